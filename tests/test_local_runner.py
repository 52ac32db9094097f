from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from bookstore.local.routing import Router
from bookstore.template import Route, functions, http_routes, load_template
from tests.support.local_api import running_local_api


def test_the_router_prefers_exact_paths_then_variables_then_greedy_then_default() -> None:
    router = Router(
        [
            Route("Default", "ANY", "$default"),
            Route("Greedy", "ANY", "/books/{proxy+}"),
            Route("Variable", "GET", "/books/{book_id}"),
            Route("Exact", "GET", "/books/search"),
            Route("AnyExact", "ANY", "/books/search"),
        ]
    )

    def routed(method: str, path: str) -> tuple[str, dict[str, str]]:
        match = router.match(method, path)
        assert match is not None
        return match.route.function, match.path_parameters

    assert routed("GET", "/books/search") == ("Exact", {})
    assert routed("POST", "/books/search") == ("AnyExact", {})
    assert routed("GET", "/books/42") == ("Variable", {"book_id": "42"})
    assert routed("DELETE", "/books/42") == ("Greedy", {"proxy": "42"})
    assert routed("GET", "/books/42/reviews") == ("Greedy", {"proxy": "42/reviews"})
    assert routed("GET", "/elsewhere") == ("Default", {})


def test_every_http_route_of_the_template_names_a_function_with_a_handler() -> None:
    template = load_template()
    known = functions(template)

    routes = http_routes(template)

    assert routes
    assert {route.function for route in routes} <= set(known)


@pytest.fixture
def local_api(database_url: str) -> Iterator[str]:
    with running_local_api() as url:
        yield url


def _get(url: str) -> tuple[int, dict[str, str], dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_the_local_runner_serves_the_health_routes_through_the_real_handler(local_api: str) -> None:
    status, headers, body = _get(f"{local_api}/health/ready")

    assert status == 200
    assert body["status"] == "ready"
    assert headers["x-request-id"]


def test_the_local_front_page_lists_every_function_and_its_docs(local_api: str) -> None:
    status, _, body = _get(f"{local_api}/")

    assert status == 200
    functions = body["functions"]
    assert isinstance(functions, list)
    listed = {entry["name"]: entry["docs"] for entry in functions}
    assert listed["books"] == "/books/docs"
    assert set(listed) >= {"health", "users", "books", "cart", "orders", "wishlist", "prebooks"}


def test_the_local_runner_answers_an_unknown_route_with_the_api_error_shape(local_api: str) -> None:
    status, _, body = _get(f"{local_api}/no/such/route")

    assert status == 404
    assert body == {"detail": "Not Found", "code": "NOT_FOUND"}


def _request(url: str, method: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_any_method_reaches_the_function_which_answers_405_in_the_api_shape(
    local_api: str,
) -> None:
    answers = [_request(f"{local_api}/health", method) for method in ("TRACE", "CONNECT", "BREW")]

    assert [(status, body["code"]) for status, body in answers] == [(405, "METHOD_NOT_ALLOWED")] * 3


def test_a_burst_of_clients_is_queued_not_reset(local_api: str) -> None:
    results: list[int] = []

    def call() -> None:
        results.append(_get(f"{local_api}/health")[0])

    threads = [threading.Thread(target=call) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert results == [200] * 40
