from __future__ import annotations

import pytest

from functions.orders.app import handler
from tests.orders.helpers import Shop
from tests.support.clients import client_fixtures

client, any_client = client_fixtures(handler)


@pytest.fixture
def shop(database_url: str) -> Shop:
    return Shop(database_url)
