"""`bookstore dev`: serve every HttpApi route of template.yaml through the real Lambda handlers.

Like `sam local start-api`, without Docker: each function runs in its own process that imports
its handler once and serves one request at a time. With no DATABASE_URL, an embedded PostgreSQL
(data under .local/postgres) is started, migrated through the Migrations handler, and stopped on
Ctrl-C.

CORS follows the HttpApi's CorsConfiguration in template.yaml, with the origins of the
ALLOWED_ORIGINS setting (comma-separated, * for any; from the environment or .env) standing for
the stack's AllowedOrigins parameter, which only AWS resolves. Empty: no cross-origin access.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
from typing import Any

from pydantic import ValidationError

from bookstore.database import configured_database_url
from bookstore.local.cors import CorsRules
from bookstore.local.routing import Router
from bookstore.local.server import make_server
from bookstore.local.workers import FunctionWorker, InvocationError
from bookstore.template import functions, http_api_cors, http_routes, load_template
from shared.settings import get_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "dev",
        help="run the API locally through the real handlers (like sam local start-api)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument(
        "--no-migrate", action="store_true", help="skip the upgrade to head at startup"
    )
    parser.add_argument(
        "--seed",
        action="store_true",
        help="load the sample catalog (idempotent) before serving, to browse and search at once",
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    # A terminated runner stops like an interrupted one: workers and embedded database included.
    signal.signal(signal.SIGTERM, _interrupt)
    # CloudWatch metric lines (EMF) mean nothing on a laptop; keep the logs readable.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    database_url = configured_database_url()
    print(f"database: {_without_password(database_url)}")
    template = load_template()
    all_functions = functions(template)
    if not arguments.no_migrate:
        _migrate(FunctionWorker(all_functions["MigrationsFunction"]))
    if arguments.seed:
        from bookstore.seed import seed_catalog

        print(f"sample catalog: {seed_catalog()} books")

    routes = http_routes(template)
    workers = {name: FunctionWorker(all_functions[name]) for name in {r.function for r in routes}}
    cors = CorsRules.from_template(http_api_cors(template), _allowed_origins())
    server = make_server(arguments.host, arguments.port, Router(routes), workers, cors)
    base = f"http://{arguments.host}:{arguments.port}"
    for route in routes:
        print(f"  {route.route_key:<32} -> {route.function}")
    print(_describe(cors))
    print(
        f"Serving on {base}  (docs: {base}/<name>/docs for books, users, cart, orders, health)"
        "  Ctrl-C to stop"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopping")
    finally:
        server.server_close()
        for worker in workers.values():
            worker.stop()
    return 0


def _allowed_origins() -> tuple[str, ...]:
    try:
        return get_settings().allowed_origins
    except ValidationError as error:
        raise SystemExit(f"settings: {error}") from None


def _describe(cors: CorsRules | None) -> str:
    if cors is None:
        return "CORS: off, no cross-origin access (ALLOWED_ORIGINS lists the origins to allow)"
    return f"CORS: allowed origins {', '.join(cors.allow_origins)}"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _migrate(worker: FunctionWorker) -> None:
    try:
        result = worker.invoke({"action": "upgrade"})
    except InvocationError as error:
        raise SystemExit(f"migration failed: {error}") from None
    finally:
        worker.stop()
    print(f"schema at {result['current']} (applied {len(result['applied'])} revisions)")


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    with contextlib.suppress(Exception):
        return make_url(url).render_as_string(hide_password=True)
    return "<unparseable DATABASE_URL>"
