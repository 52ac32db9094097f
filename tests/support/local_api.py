"""The local runner (`bookstore dev`'s server and function processes) on a free loopback port,
for tests that talk to it over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bookstore.commands.dev import warm
from bookstore.local.routing import Router
from bookstore.local.server import make_server
from bookstore.local.workers import FunctionWorker
from bookstore.template import functions, http_routes, load_template


@contextmanager
def running_local_api(*, warmed: bool = False) -> Iterator[str]:
    """Every HttpApi route of template.yaml served as `bookstore dev` serves it; yields the base
    URL. `warmed`: every function's process started before the first request."""
    template = load_template()
    routes = http_routes(template)
    workers = {
        name: FunctionWorker(functions(template)[name]) for name in {r.function for r in routes}
    }
    server = make_server("127.0.0.1", 0, Router(routes), workers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if warmed:
        warm(workers.values())
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        for worker in workers.values():
            worker.stop()
