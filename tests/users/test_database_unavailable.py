from __future__ import annotations

import pytest

from functions.users.app import handler
from shared.db.engine import dispose_engine
from shared.settings import get_settings
from tests.support.databases import run
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import PASSWORD


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> None:
    run(dispose_engine())
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:9/bookstore")
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "1")
    get_settings.cache_clear()


def test_login_while_the_database_is_unreachable_is_503_with_retry_after(
    unreachable_database: None,
) -> None:
    response = LambdaClient(handler).post(
        "/auth/login", json_body={"email": "ann@example.org", "password": PASSWORD}
    )

    assert response.status_code == 503
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    assert "retry-after" in response.headers
    assert PASSWORD not in response.body
