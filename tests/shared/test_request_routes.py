"""An endpoint whose one input is its query model, on a `RequestRoute` router, answers as FastAPI's
own handler would, and every other endpoint on that router is still served by FastAPI."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, Response

from functions.books.router import CatalogQuery
from shared.auth.dependencies import CurrentUser, current_principal
from shared.http.app import NO_DATABASE, create_app
from shared.http.pagination import Page
from shared.http.query_params import QueryModel
from shared.http.request_routes import RequestRoute
from shared.runtime.handler import create_handler
from tests.support.lambda_client import LambdaClient

CatalogQueryDep = Annotated[CatalogQuery, Depends(QueryModel(CatalogQuery))]
lean = APIRouter(prefix="/lean", route_class=RequestRoute)
usual = APIRouter(prefix="/usual")


async def _catalog(query: CatalogQueryDep) -> Response:
    return Response(json.dumps(query.model_dump(mode="json")), media_type="application/json")


lean.get(
    "/catalog", response_model=Page[CatalogQuery], openapi_extra=NO_DATABASE, operation_id="lean"
)(_catalog)
usual.get(
    "/catalog", response_model=Page[CatalogQuery], openapi_extra=NO_DATABASE, operation_id="usual"
)(_catalog)


@lean.get("/me", openapi_extra=NO_DATABASE)
async def me(query: CatalogQueryDep, principal: CurrentUser) -> dict[str, str]:
    return {"user_id": str(principal.user_id)}


@lean.get("/not-a-response", openapi_extra=NO_DATABASE)
async def not_a_response(query: CatalogQueryDep) -> dict[str, str]:
    return {"answer": "a dict"}


# A router-level dependency guards even an endpoint whose one input is its query.
guarded = APIRouter(
    prefix="/guarded", route_class=RequestRoute, dependencies=[Depends(current_principal)]
)
guarded.get(
    "/catalog", response_model=Page[CatalogQuery], openapi_extra=NO_DATABASE, operation_id="guarded"
)(_catalog)


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
def test_an_endpoint_taking_only_its_query_answers_as_fastapi_serves_it(
    query: dict[str, str],
) -> None:
    assert answer("/lean/catalog", query) == answer("/usual/catalog", query)


@pytest.mark.parametrize("path", ["/lean/me", "/guarded/catalog"], ids=["its own", "its router's"])
def test_an_endpoint_with_a_dependency_still_has_it_solved(path: str) -> None:
    status, body = answer(path)
    assert (status, body["code"]) == (401, "AUTH_INVALID_TOKEN")


def test_such_an_endpoint_that_returns_no_response_is_a_server_error() -> None:
    status, body = answer("/lean/not-a-response")
    assert (status, body["code"]) == (500, "INTERNAL_ERROR")


def test_the_lean_route_is_documented_as_the_usual_one() -> None:
    paths = app.openapi()["paths"]
    lean_operation = {**paths["/lean/catalog"]["get"], "operationId": None}
    usual_operation = {**paths["/usual/catalog"]["get"], "operationId": None}
    assert lean_operation["parameters"]
    assert lean_operation == usual_operation
