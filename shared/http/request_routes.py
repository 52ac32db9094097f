"""A route class for the catalog's list: an endpoint whose only input is its query model, and which
answers a `Response` written from rows (`shared.http.row_pages`), is called straight with that
model.

For every request FastAPI's route handler looks for a body to read, solves the endpoint's
dependencies, records telemetry data and checks what the endpoint returned. An endpoint that
takes only a `QueryModel` and returns its own `Response` needs none of that. `RequestRoute`
reads the query (`shared.http.query_params.parse_query`, the dependency's own call) and awaits
the endpoint with it; FastAPI still documents the route from its declaration, and errors still
reach the app's exception handlers. Any other endpoint on a router with this route class is
served by FastAPI as usual. Why `GET /books` alone is served this way, and what it buys, is in
CONTRIBUTING ("Lists").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from shared.http.query_params import QueryModel, parse_query


class RequestRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        only_query = self.only_a_query_model()
        if only_query is None:
            return super().get_route_handler()
        name, model = only_query
        endpoint = self.dependant.call
        path = self.path

        async def serve(request: Request) -> Response:
            response = await endpoint(**{name: parse_query(model, request)})  # type: ignore[misc]
            if not isinstance(response, Response):
                raise TypeError(
                    f"{path}: an endpoint served by RequestRoute must return a Response"
                )
            return response

        return serve

    def only_a_query_model(self) -> tuple[str, type[BaseModel]] | None:
        """The parameter name and model of an endpoint whose one input is a `QueryModel`
        dependency: a coroutine function with no other parameter (so no body) and no other
        dependency of its own or of its router (FastAPI puts both in the dependant)."""
        dependant = self.dependant
        if not inspect.iscoroutinefunction(dependant.call):
            return None
        if len(inspect.signature(dependant.call).parameters) != 1:
            return None
        if len(dependant.dependencies) != 1:
            return None
        query = dependant.dependencies[0]
        if not isinstance(query.call, QueryModel) or query.name is None:
            return None
        return query.name, query.call.model
