"""A query model read by `QueryModel` answers and is documented exactly as FastAPI's own query
model would be: the same values, the same 422 bodies, the same OpenAPI parameters."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, Query

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.books.router import CatalogQuery
from shared.http.app import NO_DATABASE, create_app
from shared.http.pagination import PageParams
from shared.http.query_params import QueryModel, query_parameters
from shared.runtime.handler import create_handler

declared = APIRouter(prefix="/declared")
parsed = APIRouter(prefix="/parsed")


@declared.get("/catalog", openapi_extra=NO_DATABASE)
async def declared_catalog(query: Annotated[CatalogQuery, Query()]) -> dict[str, Any]:
    return query.model_dump(mode="json")


@parsed.get("/catalog", openapi_extra=NO_DATABASE)
async def parsed_catalog(
    query: Annotated[CatalogQuery, Depends(QueryModel(CatalogQuery))],
) -> dict[str, Any]:
    return query.model_dump(mode="json")


@declared.get("/page", openapi_extra=NO_DATABASE)
async def declared_page(query: Annotated[PageParams, Query()]) -> dict[str, Any]:
    return query.model_dump(mode="json")


@parsed.get("/page", openapi_extra=NO_DATABASE)
async def parsed_page(
    query: Annotated[PageParams, Depends(QueryModel(PageParams))],
) -> dict[str, Any]:
    return query.model_dump(mode="json")


app = create_app("probe", declared, parsed, title="Query models")
handler = create_handler(app)


def answer(path: str, query: str) -> tuple[int, Any]:
    response = handler(http_api_event("GET", path, query=query), LocalLambdaContext())
    body = json.loads(response["body"])
    body.pop("request_id", None)
    return response["statusCode"], body


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=dragon&sort=relevance&limit=5",
        "author=Austen&genre=Fiction&min_price=1.50&max_price=20&available=true&upcoming=false",
        "limit=3&limit=7",
        "unknown=1&q=x",
        "limit=0",
        "limit=abc&sort=sideways",
        "min_price=-1&max_price=abc",
        "author=" + "a" * 201,
        "available=maybe",
        "cursor=" + "c" * 3000,
    ],
)
def test_a_parsed_query_answers_as_the_declared_query_model_does(query: str) -> None:
    assert answer("/parsed/catalog", query) == answer("/declared/catalog", query)


@pytest.mark.parametrize("query", ["", "limit=100&cursor=abc.def", "limit=101", "limit=1.5"])
def test_a_parsed_page_answers_as_the_declared_page_does(query: str) -> None:
    assert answer("/parsed/page", query) == answer("/declared/page", query)


def test_a_bad_query_is_a_422_naming_the_parameter() -> None:
    status, body = answer("/parsed/catalog", "limit=0")
    assert status == 422
    assert body["code"] == "VALIDATION_ERROR"
    assert body["field"] == "limit"


@pytest.mark.parametrize("name", ["catalog", "page"])
def test_the_parsed_query_is_documented_as_the_declared_one(name: str) -> None:
    paths = app.openapi()["paths"]
    assert paths[f"/parsed/{name}"]["get"]["parameters"]
    assert (
        paths[f"/parsed/{name}"]["get"]["parameters"]
        == paths[f"/declared/{name}"]["get"]["parameters"]
    )


def test_a_query_model_whose_fields_need_definitions_is_refused() -> None:
    from pydantic import BaseModel

    class Inner(BaseModel):
        x: int

    class Nested(BaseModel):
        inner: Inner | None = None

    with pytest.raises(TypeError, match="inline schemas"):
        query_parameters(Nested)
