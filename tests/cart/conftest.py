from __future__ import annotations

from functions.cart.app import handler
from tests.support.clients import client_fixtures

client, any_client = client_fixtures(handler)
