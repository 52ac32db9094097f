"""The local HTTP front door: turns each request into a payload-2.0 event for the right worker."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from bookstore.events import http_api_event
from bookstore.local.api_document import LocalApiDocument
from bookstore.local.cors import PREFLIGHT_STATUS, CorsRules
from bookstore.local.routing import Router
from bookstore.local.workers import FunctionWorker, InvocationError
from bookstore.openapi import DocumentConflict

_GATEWAY_ERROR = {"message": "Internal Server Error"}
_NOT_FOUND = {"message": "Not Found"}


def make_server(
    host: str,
    port: int,
    router: Router,
    workers: Mapping[str, FunctionWorker],
    cors: CorsRules | None = None,
) -> ThreadingHTTPServer:
    """`cors`: the HttpApi's CORS rules, None when no origin may call the API from a browser."""
    api_document = LocalApiDocument(workers)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else None
            if cors is not None:
                request_headers = {name.lower(): value for name, value in self.headers.items()}
                if cors.is_preflight(self.command, request_headers):
                    self._reply(PREFLIGHT_STATUS, cors.preflight_headers(request_headers), b"")
                    return
            if url.path == "/" and self.command in ("GET", "HEAD"):
                self._reply(200, {"content-type": "application/json"}, _index(workers))
                return
            # The Health function serves the committed copy of this document in AWS: here it is
            # merged fresh, so that it shows what the code says now.
            if url.path == "/openapi.json" and self.command == "GET":
                self._reply_api_document()
                return
            match = router.match(self.command, url.path)
            if match is None:
                self._reply(404, {"content-type": "application/json"}, json.dumps(_NOT_FOUND))
                return
            event = http_api_event(
                self.command,
                url.path,
                query=url.query,
                headers=dict(self.headers.items()),
                body=body,
                route_key=match.route.route_key,
                path_parameters=match.path_parameters or None,
                source_ip=self.client_address[0],
            )
            try:
                response = workers[match.route.function].invoke(event)
            except InvocationError as error:
                self.log_error("%s", error)
                self._reply(502, {"content-type": "application/json"}, json.dumps(_GATEWAY_ERROR))
                return
            self._reply_lambda(response)

        def _reply_api_document(self) -> None:
            headers = {"content-type": "application/json"}
            if cors is not None:
                headers = cors.response_headers(self.headers.get("origin"), headers)
            try:
                body = json.dumps(api_document.merged())
            except (InvocationError, DocumentConflict) as error:
                self.log_error("%s", error)
                self._reply(500, headers, json.dumps({"message": str(error)}))
                return
            self._reply(200, headers, body)

        def _reply_lambda(self, response: dict[str, Any]) -> None:
            body = response.get("body") or ""
            raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
            headers = dict(response.get("headers") or {})
            if cors is not None:
                headers = cors.response_headers(self.headers.get("origin"), headers)
            self._reply(int(response.get("statusCode", 200)), headers, raw, response.get("cookies"))

        def _reply(
            self,
            status: int,
            headers: dict[str, str],
            body: str | bytes,
            cookies: list[str] | None = None,
        ) -> None:
            raw = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in {"content-length", "connection"}:
                    self.send_header(name, value)
            for cookie in cookies or []:
                self.send_header("set-cookie", cookie)
            if status != 204:  # a 204 has no body, and may not say it has one (RFC 9110)
                self.send_header("content-length", str(len(raw)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(raw)

        def __getattr__(self, name: str) -> Any:
            # API Gateway's ANY routes pass every method, TRACE or a made-up one included, to the
            # function, which answers 405 in the API's shape; the standard library would answer
            # an HTML 501 itself.
            if name.startswith("do_"):
                return self._handle
            raise AttributeError(name)

    return LocalApiServer((host, port), Handler)


def _index(workers: Mapping[str, FunctionWorker]) -> str:
    """A local-only front page: the whole API's docs, and every function and where its own are."""
    names = sorted(name.removesuffix("Function").lower() for name in workers)
    return json.dumps(
        {
            "api": {"docs": "/docs", "openapi": "/openapi.json"},
            "functions": [
                {"name": name, "docs": f"/{name}/docs", "openapi": f"/{name}/openapi.json"}
                for name in names
            ],
        }
    )


class LocalApiServer(ThreadingHTTPServer):
    # The standard library listens with a backlog of 5: a burst of a few dozen clients (a browser,
    # a load test, a fuzzer) would see connections reset.
    request_queue_size = 128
    daemon_threads = True
