"""A route class for hot endpoints that take the `Request` alone and answer a `Response` themselves.

For every request FastAPI's route handler looks for a body to read, solves the endpoint's
dependencies, records telemetry data and checks what the endpoint returned against the response
model. An endpoint that reads its own query (`shared.http.query_params.parse_query`) and writes its own
JSON (`shared.http.responses`) uses none of that, which costs a catalog page a share of its
query's time (bench/RESULTS.md). `RequestRoute` serves such an endpoint by calling it with the request;
FastAPI still documents it from the decorator (its `response_model`, `openapi_extra`), and its
errors still reach the app's exception handlers.

Any other endpoint on a router with this route class is served by FastAPI as usual. Dependencies
declared on the app or when including the router (`FastAPI(dependencies=...)`,
`include_router(..., dependencies=...)`) would not be solved for a request-only endpoint:
`shared.http.app` declares none.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class RequestRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        if not self.takes_only_the_request():
            return super().get_route_handler()
        endpoint = self.dependant.call
        path = self.path

        async def serve(request: Request) -> Response:
            response = await endpoint(request)  # type: ignore[misc]
            if not isinstance(response, Response):
                raise TypeError(f"{path}: a request-only endpoint must return a Response")
            return response

        return serve

    def takes_only_the_request(self) -> bool:
        """The endpoint is a coroutine function of the request alone, with nothing for FastAPI
        to solve: no other parameter (so no body), and no dependency of its own or of its router
        (FastAPI puts both in the dependant)."""
        dependant = self.dependant
        return (
            inspect.iscoroutinefunction(dependant.call)
            and dependant.request_param_name is not None
            and len(inspect.signature(dependant.call).parameters) == 1
            and not dependant.dependencies
        )
