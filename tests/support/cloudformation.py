"""A loopback stand-in for the pre-signed S3 URL that CloudFormation waits on."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any


class ResponseCatcher:
    """Stands in for the pre-signed S3 URL CloudFormation waits on."""

    def __init__(self, *, failures: int = 0) -> None:
        """`failures`: how many PUTs are answered 503 (as S3 now and then does) before one is kept."""
        self.responses: list[dict[str, Any]] = []
        self.refused = 0
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                length = int(self.headers["content-length"])
                payload = json.loads(self.rfile.read(length))
                if catcher.refused < failures:
                    catcher.refused += 1
                    self.send_response(503)
                else:
                    catcher.responses.append(payload)
                    self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/response?signature=x"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
