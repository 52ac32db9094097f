"""How a Lambda environment holds its database connection: reuse, recovery, credentials."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import make_url

from bookstore.template import functions, http_routes, load_template
from functions.health.app import handler
from shared.db import compiled
from shared.db.engine import checkout_awaits_nothing, connect_args, get_engine
from shared.settings import DEFAULT_SECRET_KEY, Settings
from tests.support.databases import bookstore_sessions, drop_bookstore_sessions, point_settings_at
from tests.support.lambda_client import LambdaClient

client = LambdaClient(handler)


@pytest.mark.parametrize("pinged", [False, True], ids=["unpinged", "pinged-each-time"])
def test_twenty_warm_invocations_reuse_one_server_connection(
    database_url: str, monkeypatch: pytest.MonkeyPatch, pinged: bool
) -> None:
    if pinged:
        # Every checkout is due the idle ping, and goes through the greenlet bridge to send it:
        # a connection that answers it must be kept.
        monkeypatch.setenv("DB_IDLE_REVALIDATE_SECONDS", "0")
    point_settings_at(database_url, monkeypatch)
    assert client.get("/health/db").status_code == 200
    first = bookstore_sessions(database_url)

    statuses = {client.get("/health/db").status_code for _ in range(20)}

    assert statuses == {200}
    assert len(first) == 1
    assert bookstore_sessions(database_url) == first
    assert checkout_awaits_nothing(get_engine()) is not pinged


def test_a_warm_read_takes_its_pooled_connection_without_the_greenlet_bridge(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_settings_at(database_url, monkeypatch)
    assert not checkout_awaits_nothing(get_engine()), "nothing is pooled yet: it must connect"
    assert client.get("/health/db").status_code == 200
    assert checkout_awaits_nothing(get_engine())

    async def no_bridge(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a warm checkout went through the greenlet bridge")

    monkeypatch.setattr(compiled, "greenlet_spawn", no_bridge)
    assert client.get("/health/db").status_code == 200


def test_a_connection_the_server_dropped_while_idle_is_replaced_transparently(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_IDLE_REVALIDATE_SECONDS", "0")
    point_settings_at(database_url, monkeypatch)
    assert client.get("/health/db").status_code == 200
    [dropped] = bookstore_sessions(database_url)
    drop_bookstore_sessions(database_url)

    response = client.get("/health/db")

    assert response.status_code == 200
    assert bookstore_sessions(database_url) not in ([], [dropped])


def test_credentials_come_from_the_secrets_manager_secret_and_are_cached(
    database_url: str, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(database_url)
    secrets = boto3.client("secretsmanager")
    # An RDS-managed secret holds only the credentials; the host comes from the settings.
    arn = secrets.create_secret(
        Name="rds!db-bookstore",
        SecretString=json.dumps({"username": url.username, "password": url.password or ""}),
    )["ARN"]
    monkeypatch.setenv("DATABASE_SECRET_ARN", arn)
    # The embedded server is reached through a socket directory given as ?host=.
    monkeypatch.setenv("DATABASE_HOST", url.host or str(url.query.get("host", "")))
    monkeypatch.setenv("DATABASE_PORT", str(url.port or 5432))
    monkeypatch.setenv("DATABASE_NAME", url.database or "")
    point_settings_at(None, monkeypatch)

    assert client.get("/health/db").status_code == 200
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    point_settings_at(None, monkeypatch)  # a new engine, as after a dropped connection

    assert client.get("/health/db").status_code == 200


def test_production_refuses_the_default_signing_key() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(env="production", secret_key=SecretStr(DEFAULT_SECRET_KEY))


def test_proxy_mode_turns_both_statement_caches_off() -> None:
    proxied = connect_args(Settings(db_proxy_mode=True))
    direct = connect_args(Settings(db_proxy_mode=False))

    assert proxied["statement_cache_size"] == 0
    assert proxied["prepared_statement_cache_size"] == 0
    assert "statement_cache_size" not in direct
    assert direct["command_timeout"] > 0


def test_proxy_mode_serves_requests(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_PROXY_MODE", "true")
    point_settings_at(database_url, monkeypatch)

    responses = [client.get("/health/ready").status_code for _ in range(3)]

    assert responses == [200, 200, 200]


def test_the_database_timeouts_fit_in_every_http_functions_timeout_with_the_reserve_to_spare() -> (
    None
):
    template = load_template()
    http_functions = {route.function for route in http_routes(template)}

    for logical_id, function in functions(template).items():
        if logical_id not in http_functions:
            continue
        configured = {name.lower(): value for name, value in function.environment.items()}
        settings = Settings.model_validate(configured)
        # The worst request: its idle connection is pinged and does not answer, a new one is
        # opened, then one statement runs to its limit; the reserve answers and closes.
        worst = settings.db_ping_timeout + settings.db_connect_timeout + settings.db_command_timeout
        assert worst + settings.invocation_reserve_seconds <= function.timeout, logical_id
