"""Responses written by hand: straight from a model or from JSON already written, for hot routes,
and a JSON answer sent on a bare ASGI `send` (`send_json`), for middleware.

FastAPI turns a returned model into a dict and validates it against the response model again
before encoding it; a model already built from the database row needs neither. The route keeps
`response_model=` for its OpenAPI document.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from starlette.types import Send


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    return json_response(model.model_dump_json(), status_code)


def json_response(body: str | bytes, status_code: int = 200) -> Response:
    """JSON already written (`shared.http.row_pages`), answered as it is."""
    return Response(body, status_code=status_code, media_type="application/json")


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(
                    (name.lower().encode(), value.encode())
                    for name, value in (headers or {}).items()
                ),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
