"""A request-only endpoint on a `RequestRoute` router answers as FastAPI's own handler would, and
every other endpoint on that router is still served by FastAPI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter, Depends, Request, Response

from functions.books.router import CatalogQuery
from shared.auth.dependencies import CurrentUser, current_principal
from shared.http.app import NO_DATABASE, create_app
from shared.http.pagination import Page
from shared.http.query_params import documented_query, parse_query
from shared.http.request_routes import RequestRoute
from shared.http.responses import json_response
from shared.runtime.handler import create_handler
from tests.support.lambda_client import LambdaClient

DOCUMENTED = {**NO_DATABASE, **documented_query(CatalogQuery)}
lean = APIRouter(prefix="/lean", route_class=RequestRoute)
usual = APIRouter(prefix="/usual")


async def _catalog(request: Request) -> Response:
    query = parse_query(CatalogQuery, request)
    return json_response(json.dumps(query.model_dump(mode="json")))


lean.get("/catalog", response_model=Page[CatalogQuery], openapi_extra=DOCUMENTED)(_catalog)
usual.get("/catalog", response_model=Page[CatalogQuery], openapi_extra=DOCUMENTED)(_catalog)


@lean.get("/me", openapi_extra=NO_DATABASE)
async def me(request: Request, principal: CurrentUser) -> dict[str, str]:
    return {"user_id": str(principal.user_id)}


@lean.get("/not-a-response", openapi_extra=NO_DATABASE)
async def not_a_response(request: Request) -> dict[str, str]:
    return {"answer": "a dict"}


# A router-level dependency guards even a request-only endpoint.
guarded = APIRouter(
    prefix="/guarded", route_class=RequestRoute, dependencies=[Depends(current_principal)]
)
guarded.get("/catalog", response_model=Page[CatalogQuery], openapi_extra=DOCUMENTED)(_catalog)


app = create_app("probe", lean, usual, guarded, title="Request routes")
client = LambdaClient(create_handler(app))


def answer(path: str, query: dict[str, str] | None = None) -> tuple[int, Any]:
    response = client.get(path, query=query)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "dragon", "sort": "relevance", "limit": "5"},
        {"limit": "0", "sort": "sideways"},
        {"min_price": "-1"},
    ],
)
def test_a_request_only_endpoint_answers_as_fastapi_serves_it(query: dict[str, str]) -> None:
    assert answer("/lean/catalog", query) == answer("/usual/catalog", query)


@pytest.mark.parametrize("path", ["/lean/me", "/guarded/catalog"], ids=["its own", "its router's"])
def test_an_endpoint_with_a_dependency_still_has_it_solved(path: str) -> None:
    status, body = answer(path)
    assert (status, body["code"]) == (401, "AUTH_INVALID_TOKEN")


def test_a_request_only_endpoint_that_returns_no_response_is_a_server_error() -> None:
    status, body = answer("/lean/not-a-response")
    assert (status, body["code"]) == (500, "INTERNAL_ERROR")
