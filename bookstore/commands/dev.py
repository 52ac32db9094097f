"""`bookstore dev`: serve every HttpApi route of template.yaml through the real Lambda handlers.

Like `sam local start-api`, without Docker: each function runs in its own process that imports
its handler once and serves one request at a time. Every process is started, and its handler
imported, before "Serving on" is printed: the first request is as fast as the next ones. With
--reload, the processes are restarted when a file under functions/ or shared/ changes. With no
DATABASE_URL, an embedded PostgreSQL (data under .local/postgres) is started, migrated through the
Migrations handler, and stopped on Ctrl-C.

CORS follows the HttpApi's CorsConfiguration in template.yaml, with the origins of the
ALLOWED_ORIGINS setting (comma-separated, * for any; from the environment or .env) standing for
the stack's AllowedOrigins parameter, which only AWS resolves. Empty: no cross-origin access.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bookstore.database import DatabaseUnavailableError, configured_database_url, without_password
from bookstore.local.cors import CorsRules
from bookstore.local.reload import SourceWatcher
from bookstore.local.routing import Router
from bookstore.local.server import make_server
from bookstore.local.workers import FunctionWorker, InvocationError
from bookstore.template import Route, functions, http_api_cors, http_routes, load_template
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
    parser.add_argument(
        "--reload",
        action="store_true",
        help="restart the function processes when a file under functions/ or shared/ changes",
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    # A terminated runner stops like an interrupted one: workers and embedded database included.
    signal.signal(signal.SIGTERM, _interrupt)
    # CloudWatch metric lines (EMF) mean nothing on a laptop; keep the logs readable.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    template = load_template()
    all_functions = functions(template)
    routes = http_routes(template)
    workers = {name: FunctionWorker(all_functions[name]) for name in {r.function for r in routes}}
    cors = CorsRules.from_template(http_api_cors(template), _allowed_origins())
    # Bound first: a busy port fails at once, before a database is started or migrated.
    try:
        server = make_server(arguments.host, arguments.port, Router(routes), workers, cors)
    except OSError as error:
        print(
            f"dev: cannot listen on {arguments.host}:{arguments.port} ({error.strerror or error}):"
            " is another server using it? Choose another with --port",
            file=sys.stderr,
        )
        return 2
    watcher: SourceWatcher | None = None
    try:
        database_url = configured_database_url()
        print(f"database: {without_password(database_url)}")
        if not arguments.no_migrate:
            _migrate(FunctionWorker(all_functions["MigrationsFunction"]))
        if arguments.seed:
            from bookstore.seed import seed_catalog

            print(f"sample catalog: {seed_catalog()} books")
        # The processes inherit DATABASE_URL, so they start once it is set.
        warm(workers.values())
        if arguments.reload:
            watcher = SourceWatcher(WATCHED, lambda changed: _reload(workers, changed))
            watcher.start()
        print(_describe(cors))
        print(_urls(f"http://{arguments.host}:{arguments.port}", routes, workers))
        reloading = ", reloading on changes to functions/ and shared/" if arguments.reload else ""
        print(f"Ready{reloading}.  Ctrl-C to stop")
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopping")
    finally:
        # A second Ctrl-C or SIGTERM must not cut the clean-up short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if watcher is not None:
            watcher.stop()
        server.server_close()
        for worker in workers.values():
            worker.stop()
    return 0


WATCHED = (
    Path(__file__).resolve().parents[2] / "functions",
    Path(__file__).resolve().parents[2] / "shared",
)


def warm(workers: Iterable[FunctionWorker], *, restart: bool = False) -> None:
    """Start every function's process at once and wait until each has imported its handler.

    `restart`: replace the running processes, each once its current invocation is answered.
    """
    pending = list(workers)
    if not pending:
        return

    def start(worker: FunctionWorker) -> str | None:
        try:
            worker.restart() if restart else worker.warm()
        except InvocationError as error:
            # The function's own bug (a syntax error, say): the others still serve, and its
            # routes answer 502 until the code is fixed.
            return str(error)
        return None

    with ThreadPoolExecutor(max_workers=len(pending)) as pool:
        failures = [error for error in pool.map(start, pending) if error is not None]
    for failure in failures:
        print(f"dev: {failure}", file=sys.stderr)


def _reload(workers: Mapping[str, FunctionWorker], changed: list[Path]) -> None:
    names = ", ".join(path.name for path in changed[:5]) + (" ..." if len(changed) > 5 else "")
    print(f"reloading: {names} changed")
    warm(workers.values(), restart=True)
    print("reloaded")


def _urls(base: str, routes: list[Route], workers: Mapping[str, FunctionWorker]) -> str:
    lines = [f"  {route.route_key:<32} -> {route.function}" for route in routes]
    lines.append("API docs:")
    lines.append(f"  {base}/docs  (the whole API; its OpenAPI document: {base}/openapi.json)")
    for name, worker in sorted(workers.items()):
        # Each app serves its docs under its service name (shared.http.app.create_app).
        service = worker.function.environment.get("POWERTOOLS_SERVICE_NAME")
        if service:
            lines.append(f"  {base}/{service}/docs  ({name})")
    lines.append(f"Serving on {base}")
    return "\n".join(lines)


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
        if error.database_unavailable:
            raise DatabaseUnavailableError(str(error)) from None
        raise SystemExit(f"migration failed: {error}") from None
    finally:
        worker.stop()
    print(f"schema at {result['current']} (applied {len(result['applied'])} revisions)")
