from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

from bookstore.local.cors import CorsRules
from bookstore.local.routing import Router
from bookstore.local.server import make_server
from bookstore.local.workers import FunctionWorker
from bookstore.template import Function, functions, http_api_cors, http_routes, load_template
from functions.orders.router import REPLAYED_HEADER
from shared.http.middleware import REQUEST_ID_HEADER
from shared.settings import Settings

SHOP = "http://localhost:5173"
ELSEWHERE = "https://evil.example"


def _rules(*origins: str) -> CorsRules:
    rules = CorsRules.from_template(http_api_cors(load_template()), origins)
    assert rules is not None
    return rules


def _preflight(
    method: str = "POST", headers: str | None = None, origin: str = SHOP
) -> dict[str, str]:
    request = {"origin": origin, "access-control-request-method": method}
    if headers is not None:
        request["access-control-request-headers"] = headers
    return request


# --- template.yaml -------------------------------------------------------------------------------


def test_the_template_configures_cors_only_when_the_allowed_origins_parameter_is_set() -> None:
    template = load_template()
    api = template["Resources"]["HttpApi"]["Properties"]

    parameter = template["Parameters"]["AllowedOrigins"]
    condition, configured, otherwise = api["CorsConfiguration"]["Fn::If"]

    assert parameter["Type"] == "String"
    assert parameter["Default"] == ""
    assert template["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AllowedOrigins"}, ""]}]
    }
    assert configured["AllowOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}
    assert otherwise == {"Ref": "AWS::NoValue"}


def test_the_template_allows_the_headers_clients_send_and_exposes_the_ones_they_read() -> None:
    configuration = http_api_cors(load_template())

    assert configuration is not None
    assert set(configuration["AllowMethods"]) == {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
    assert set(configuration["AllowHeaders"]) == {
        "authorization",
        "content-type",
        "idempotency-key",
    }
    assert set(configuration["ExposeHeaders"]) == {
        REQUEST_ID_HEADER,
        REPLAYED_HEADER.lower(),
        "retry-after",
        "www-authenticate",
    }
    assert configuration["AllowCredentials"] is False
    assert configuration["MaxAge"] > 0


def test_the_functions_are_not_told_the_allowed_origins() -> None:
    template = load_template()
    variables = [template["Globals"]["Function"]["Environment"]["Variables"]] + [
        (resource["Properties"].get("Environment") or {}).get("Variables") or {}
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    ]

    assert all("ALLOWED_ORIGINS" not in names for names in variables)


# --- the ALLOWED_ORIGINS setting -----------------------------------------------------------------


def test_the_allowed_origins_setting_is_a_comma_separated_list_that_may_be_empty(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALLOWED_ORIGINS", f" {SHOP}, https://shop.example.com ,")
    listed = Settings(_env_file=None).allowed_origins
    monkeypatch.setenv("ALLOWED_ORIGINS", "")
    empty = Settings(_env_file=None).allowed_origins

    assert listed == (SHOP, "https://shop.example.com")
    assert empty == ()


@pytest.mark.parametrize("value", ["https://shop.example.com/", "shop.example.com", f"{SHOP}/app"])
def test_the_allowed_origins_setting_refuses_what_no_browser_sends_as_origin(value: str) -> None:
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings(_env_file=None, allowed_origins=value)


# --- the rules -----------------------------------------------------------------------------------


def test_no_origins_configured_means_no_cors_rules_at_all() -> None:
    assert CorsRules.from_template(http_api_cors(load_template()), ()) is None


def test_a_preflight_from_an_allowed_origin_gets_the_configured_rules() -> None:
    answer = _rules(SHOP).preflight_headers(
        _preflight("POST", "Authorization, Content-Type, Idempotency-Key")
    )

    assert answer["access-control-allow-origin"] == SHOP
    assert answer["vary"] == "Origin"
    assert set(answer["access-control-allow-methods"].split(",")) >= {"POST", "PATCH", "DELETE"}
    assert "idempotency-key" in answer["access-control-allow-headers"].split(",")
    assert answer["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in answer


def test_a_preflight_from_another_origin_gets_no_cors_headers() -> None:
    assert _rules(SHOP).preflight_headers(_preflight(origin=ELSEWHERE)) == {}


@pytest.mark.parametrize(
    ("method", "headers"),
    [("TRACE", None), ("POST", "content-type, x-api-key"), ("PUT", "X-Unknown")],
)
def test_a_preflight_asking_a_method_or_a_header_that_is_not_allowed_gets_no_cors_headers(
    method: str, headers: str | None
) -> None:
    assert _rules(SHOP).preflight_headers(_preflight(method, headers)) == {}


def test_a_star_allows_any_origin() -> None:
    rules = _rules("*")

    assert (
        rules.preflight_headers(_preflight(origin=ELSEWHERE))["access-control-allow-origin"] == "*"
    )
    assert rules.response_headers(ELSEWHERE, {})["access-control-allow-origin"] == "*"


def test_a_scheme_wildcard_allows_any_origin_of_that_scheme_only() -> None:
    rules = _rules("https://*")

    assert rules.allowed_origin("https://shop.example.com") == "https://shop.example.com"
    assert rules.allowed_origin("http://shop.example.com") is None


def test_an_answer_to_an_allowed_origin_exposes_the_headers_clients_read() -> None:
    answer = _rules(SHOP).response_headers(
        SHOP, {"content-type": "application/json", "vary": "Accept-Encoding"}
    )

    assert answer["access-control-allow-origin"] == SHOP
    assert set(answer["access-control-expose-headers"].split(",")) == {
        REQUEST_ID_HEADER,
        "idempotency-replayed",
        "retry-after",
        "www-authenticate",
    }
    assert answer["vary"] == "Accept-Encoding, Origin"
    assert answer["content-type"] == "application/json"


def test_an_answer_to_another_or_no_origin_gets_no_cors_headers_even_from_the_function() -> None:
    function_headers = {"content-type": "application/json", "Access-Control-Allow-Origin": "*"}

    for origin in (ELSEWHERE, None):
        assert _rules(SHOP).response_headers(origin, function_headers) == {
            "content-type": "application/json"
        }


# --- through the local runner --------------------------------------------------------------------


class CountingWorker(FunctionWorker):
    def __init__(self, function: Function) -> None:
        super().__init__(function)
        self.invocations = 0

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.invocations += 1
        return super().invoke(event)


@dataclass(frozen=True)
class Runners:
    with_cors: str
    without_cors: str
    workers: dict[str, CountingWorker]


@pytest.fixture(scope="module")
def runners() -> Iterator[Runners]:
    """One set of workers behind two runners: one allowing SHOP, one with no origins."""
    template = load_template()
    routes = http_routes(template)
    known = functions(template)
    workers = {name: CountingWorker(known[name]) for name in {route.function for route in routes}}
    servers = [
        make_server("127.0.0.1", 0, Router(routes), workers, cors) for cors in (_rules(SHOP), None)
    ]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    yield Runners(urls[0], urls[1], workers)
    for server in servers:
        server.shutdown()
        server.server_close()
    for worker in workers.values():
        worker.stop()


def _call(method: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, _lowered(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lowered(error.headers.items()), error.read()


def _lowered(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


def _cors_headers(headers: dict[str, str]) -> set[str]:
    return {name for name in headers if name.startswith("access-control-")}


def test_the_local_runner_answers_preflights_itself_without_invoking_a_function(
    runners: Runners,
) -> None:
    allowed = _call(
        "OPTIONS",
        f"{runners.with_cors}/orders",
        {
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )
    refused = _call(
        "OPTIONS",
        f"{runners.with_cors}/orders",
        {"Origin": ELSEWHERE, "Access-Control-Request-Method": "POST"},
    )

    status, headers, body = allowed
    assert (status, body) == (204, b"")
    assert headers["access-control-allow-origin"] == SHOP
    assert headers["vary"] == "Origin"
    assert {"access-control-allow-methods", "access-control-allow-headers"} <= set(headers)
    assert headers["access-control-max-age"] == "600"
    status, headers, body = refused
    assert (status, body) == (204, b"")
    assert _cors_headers(headers) == set()
    assert runners.workers["OrdersFunction"].invocations == 0


def test_the_local_runner_adds_cors_headers_to_a_function_answer_for_an_allowed_origin_only(
    runners: Runners,
) -> None:
    status, headers, _ = _call("GET", f"{runners.with_cors}/health", {"Origin": SHOP})
    _, refused_headers, _ = _call("GET", f"{runners.with_cors}/health", {"Origin": ELSEWHERE})

    assert status == 200
    assert headers["access-control-allow-origin"] == SHOP
    assert REQUEST_ID_HEADER in headers["access-control-expose-headers"].split(",")
    assert headers[REQUEST_ID_HEADER]
    assert _cors_headers(refused_headers) == set()


def test_without_allowed_origins_the_local_runner_sends_no_cors_headers_and_passes_options_on(
    runners: Runners,
) -> None:
    before = runners.workers["HealthFunction"].invocations

    preflight = _call(
        "OPTIONS",
        f"{runners.without_cors}/health",
        {"Origin": SHOP, "Access-Control-Request-Method": "GET"},
    )
    _, headers, _ = _call("GET", f"{runners.without_cors}/health", {"Origin": SHOP})

    status, preflight_headers, _ = preflight
    assert status == 405
    assert _cors_headers(preflight_headers) == set()
    assert _cors_headers(headers) == set()
    assert runners.workers["HealthFunction"].invocations == before + 2
