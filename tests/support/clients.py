"""The two client fixtures every function's tests start from, made for one handler:
`client` (payload 2.0) and `any_client` (each test run with payload 2.0 and with 1.0)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shared.runtime.handler import LambdaHandler
from tests.support.lambda_client import LambdaClient


def client_fixtures(handler: LambdaHandler) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """In a conftest: `client, any_client = client_fixtures(handler)`."""

    @pytest.fixture
    def client(database_url: str) -> LambdaClient:
        return LambdaClient(handler)

    @pytest.fixture(params=["2.0", "1.0"], ids=["http-api", "rest-api"])
    def any_client(request: pytest.FixtureRequest, database_url: str) -> LambdaClient:
        return LambdaClient(handler, payload_version=request.param)

    return client, any_client
