"""Every HTTP function behind one WSGI app, each request routed to its function's real handler as
API Gateway routes template.yaml's HttpApi routes: what a client of the whole API talks to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bookstore.local.routing import Router
from bookstore.openapi import api_functions
from bookstore.template import http_routes, load_template
from shared.runtime.handler import LambdaHandler
from tests.support.lambda_wsgi import LambdaWsgiApp, StartResponse


class ApiGatewayWsgiApp:
    def __init__(self, handlers: Mapping[str, LambdaHandler]) -> None:
        """`handlers`: by the name each function serves its document under (`books`)."""
        template = load_template()
        self._router = Router(http_routes(template))
        self._functions = {
            function.logical_id: LambdaWsgiApp(handlers[name])
            for name, function in api_functions(template).items()
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = self._router.match(environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/")
        if match is None:
            start_response("404 Not Found", [("content-type", "application/json")])
            return [b'{"message": "Not Found"}']
        return self._functions[match.route.function](environ, start_response)
