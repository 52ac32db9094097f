from __future__ import annotations

import pytest

from functions.prebooks.app import handler
from tests.prebooks.helpers import Shelf
from tests.support.accounts import Account, make_account
from tests.support.lambda_client import LambdaClient


@pytest.fixture
def client(database_url: str) -> LambdaClient:
    return LambdaClient(handler)


@pytest.fixture(params=["2.0", "1.0"], ids=["http-api", "rest-api"])
def any_client(request: pytest.FixtureRequest, database_url: str) -> LambdaClient:
    return LambdaClient(handler, payload_version=request.param)


@pytest.fixture
def customer(database_url: str) -> Account:
    return make_account(database_url)


@pytest.fixture
def shelf(database_url: str) -> Shelf:
    return Shelf(database_url)
