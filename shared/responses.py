"""Responses built straight from a model, for hot routes.

FastAPI turns a returned model into a dict and validates it against the response model again
before encoding it; a model already built from the database row needs neither. The route keeps
`response_model=` for its OpenAPI document.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    return json_response(model.model_dump_json(), status_code)


def json_response(body: str | bytes, status_code: int = 200) -> Response:
    """JSON already written (`shared.row_pages`), answered as it is."""
    return Response(body, status_code=status_code, media_type="application/json")
