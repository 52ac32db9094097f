"""The whole API's OpenAPI document at `GET /openapi.json`, and its interactive docs at `GET /docs`.

The document is `bookstore openapi`'s output, committed beside this module and shipped with it:
merging it here would import every other function. A test fails when it is out of date.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

DOCUMENT = Path(__file__).with_name("openapi.json")

router = APIRouter()


# Out of the documents, as FastAPI keeps each function's own /<name>/openapi.json and /docs.
@router.get("/openapi.json", include_in_schema=False)
async def get_api_document() -> Response:
    return Response(_document(), media_type="application/json")


@router.get("/docs", include_in_schema=False)
async def get_api_docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Bookstore API")


@cache
def _document() -> bytes:
    return DOCUMENT.read_bytes()
