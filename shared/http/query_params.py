"""A route's query string as one Pydantic model, validated in one call: how every route takes its
query. FastAPI would read a query model's fields one by one and inspect each one's annotation on
every request (bench/ways_bench.py measures the difference; bench/RESULTS.md has it).

    CatalogQueryDep = Annotated[CatalogQuery, Depends(QueryModel(CatalogQuery))]

    async def list_books(query: CatalogQueryDep) -> Page[BookPublic]: ...

The values and the 422s are FastAPI's own (`loc` starting with "query"), and the app's document
lists the model's fields as the operation's query parameters, as FastAPI documents a query model
(`document_query_models`, run when the document is first built). Scalar fields only: a repeated
parameter gives its last value, as FastAPI does for scalars.
"""

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.routing import BaseRoute

from shared.errors import InvalidInputError


def parse_query[Model: BaseModel](model: type[Model], request: Request) -> Model:
    try:
        # A plain dict, holding the last of repeated values as the multi-dict did: Pydantic reads
        # one faster than any other mapping.
        return model.model_validate(dict(request.query_params))
    except ValidationError as error:
        raise InvalidInputError.of(
            [{**e, "loc": ("query", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None


class QueryModel[Model: BaseModel]:
    """The dependency that reads `model` from the query string (`Depends(QueryModel(Model))`)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    # Evaluated annotations (no `from __future__ import annotations` in this module): FastAPI
    # resolves a string annotation through the callable's globals, which an instance has not.
    async def __call__(self, request: Request) -> Model:
        return parse_query(self.model, request)


def document_query_models(routes: Iterable[BaseRoute], openapi: dict[str, Any]) -> None:
    """Each operation whose route reads a `QueryModel` gets the model's fields as parameters.
    Their schemas are built here, with the document, rather than at start-up: most environments
    never serve the document."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        models = [
            dependency.call.model
            for dependency in route.dependant.dependencies
            if isinstance(dependency.call, QueryModel)
        ]
        if not models:
            continue
        path_item = openapi.get("paths", {}).get(route.path_format, {})
        for method in route.methods or ():
            operation = path_item.get(method.lower())
            if operation is not None:
                declared = operation.get("parameters", [])
                operation["parameters"] = [
                    *declared,
                    *(parameter for model in models for parameter in query_parameters(model)),
                ]


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """`model`'s fields as query parameters, each as FastAPI documents a field of a query model."""
    schema = model.model_json_schema(by_alias=True)
    if "$defs" in schema:
        # A parameter's schema cannot refer into the model's own definitions.
        raise TypeError(f"{model.__name__}: query fields must have inline schemas")
    required = set(schema.get("required", ()))
    parameters = []
    for name, field_schema in schema["properties"].items():
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in field_schema:
            parameter["description"] = field_schema["description"]
        parameter["schema"] = _without_nulls(field_schema)
        parameters.append(parameter)
    return parameters


def _without_nulls(schema: Any) -> Any:
    # FastAPI writes its document without null-valued keys (`"default": null` of an optional
    # field); this part is added after, so it drops them itself.
    if isinstance(schema, dict):
        return {key: _without_nulls(value) for key, value in schema.items() if value is not None}
    if isinstance(schema, list):
        return [_without_nulls(item) for item in schema]
    return schema
