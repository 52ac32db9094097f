"""The whole API's OpenAPI document as the local runner serves it at `/openapi.json`.

Merged on each request from the documents the function processes serve at that moment, so it
follows every edit (with --reload); in AWS, the Health function serves the copy committed with it,
which a test keeps equal to this merge.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from bookstore.events import http_api_event
from bookstore.local.workers import FunctionWorker, InvocationError
from bookstore.openapi import api_functions, merge


class LocalApiDocument:
    def __init__(self, workers: Mapping[str, FunctionWorker]) -> None:
        # In the template's order, which the merged document keeps.
        self._sources = [
            (name, workers[function.logical_id])
            for name, function in api_functions().items()
            if function.logical_id in workers
        ]

    def merged(self) -> dict[str, Any]:
        """Raises `InvocationError` when a function cannot answer, `DocumentConflict` when the
        documents do not merge."""
        return merge({name: _served_document(name, worker) for name, worker in self._sources})


def _served_document(name: str, worker: FunctionWorker) -> Any:
    path = f"/{name}/openapi.json"
    answer = worker.invoke(http_api_event("GET", path))
    if answer.get("statusCode") != 200:
        raise InvocationError(
            f"{worker.function.logical_id} answered GET {path} with {answer.get('statusCode')}"
        )
    body = answer.get("body") or ""
    return json.loads(base64.b64decode(body) if answer.get("isBase64Encoded") else body)
