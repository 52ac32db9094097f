from __future__ import annotations

import pytest

from functions.prebooks.app import handler
from tests.prebooks.helpers import Shelf
from tests.support.clients import client_fixtures

client, any_client = client_fixtures(handler)


@pytest.fixture
def shelf(database_url: str) -> Shelf:
    return Shelf(database_url)
