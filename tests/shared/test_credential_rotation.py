"""Secrets rotate under a warm environment: the database secret and the JWT signing key."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator

import boto3
import pytest
from sqlalchemy.engine import make_url

from functions.health.app import handler
from shared.auth import signing_key as signing_key_module
from shared.auth.tokens import InvalidTokenError, create_access_token, decode_access_token
from shared.db.engine import get_engine
from shared.db.url import secret_credentials
from shared.runtime import aws_secrets
from shared.settings import get_settings
from tests.support.databases import (
    bookstore_sessions,
    drop_bookstore_sessions,
    execute,
    point_settings_at,
    run,
)
from tests.support.lambda_client import LambdaClient
from tests.support.logs import captured_logs

client = LambdaClient(handler)


@pytest.fixture
def role(database_url: str) -> Iterator[str]:
    """A login role of this test's own; renaming it stands in for the rotation of its user."""
    name = f"rot_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    run(execute(database_url, f"CREATE ROLE {name} LOGIN PASSWORD 'first-password'"))
    yield name
    run(
        execute(
            database_url,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE usename IN ('{name}', '{name}_next')",
            f"DROP ROLE IF EXISTS {name}",
            f"DROP ROLE IF EXISTS {name}_next",
        )
    )


def login_url(database_url: str) -> str:
    """Where the rotating role logs in: through the pooler too, in a pooled run (PgBouncer
    refuses a login with SQLSTATE 08P01, which the engine reads as refused credentials)."""
    return database_url


def use_database_secret(
    database_url: str, secret_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(login_url(database_url))
    monkeypatch.setenv("DATABASE_SECRET_ARN", secret_arn)
    monkeypatch.setenv("DATABASE_HOST", url.host or str(url.query.get("host", "")))
    monkeypatch.setenv("DATABASE_PORT", str(url.port or 5432))
    monkeypatch.setenv("DATABASE_NAME", url.database or "")
    monkeypatch.setenv("DB_IDLE_REVALIDATE_SECONDS", "0")
    point_settings_at(None, monkeypatch)


def test_a_warm_environment_logs_in_with_the_rotated_credentials_without_a_new_engine(
    database_url: str, role: str, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server trusts local TCP connections, so a wrong password would still be let in; a user
    # that no longer exists is refused (28000), the same way a rotated-out password is (28P01).
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(
        Name="rds!db-rotating",
        SecretString=json.dumps({"username": role, "password": "first-password"}),
    )["ARN"]
    use_database_secret(database_url, arn, monkeypatch)
    assert client.get("/health/db").status_code == 200
    [first] = bookstore_sessions(login_url(database_url))
    engine = get_engine()

    rotated = f"{role}_next"
    run(execute(database_url, f"ALTER ROLE {role} RENAME TO {rotated}"))
    secrets.put_secret_value(
        SecretId=arn, SecretString=json.dumps({"username": rotated, "password": "second-password"})
    )
    # The pooled connection goes too (Lambda froze, the server timed it out): the next request
    # must log in again, well within the cache's time-to-live.
    drop_bookstore_sessions(login_url(database_url))
    with captured_logs() as logs:
        response = client.get("/health/db")

    assert response.status_code == 200, response.body
    assert get_engine() is engine
    assert first.user == role
    assert [session.user for session in bookstore_sessions(login_url(database_url))] == [rotated]
    assert "database credentials refused" in logs.text
    assert "second-password" not in logs.text


def test_credentials_refused_after_a_fresh_read_fail_the_request_without_a_loop(
    database_url: str, role: str, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(
        Name="rds!db-gone", SecretString=json.dumps({"username": role, "password": "pw"})
    )["ARN"]
    use_database_secret(database_url, arn, monkeypatch)
    assert client.get("/health/db").status_code == 200
    assert len(bookstore_sessions(login_url(database_url))) == 1
    run(execute(database_url, f"ALTER ROLE {role} RENAME TO {role}_next"))
    drop_bookstore_sessions(login_url(database_url))
    reads = 0
    real_get_secret_json = aws_secrets.get_secret_json

    def counting(secret_id: str, *, force_fetch: bool = False) -> dict[str, object]:
        nonlocal reads
        reads += force_fetch
        return real_get_secret_json(secret_id, force_fetch=force_fetch)

    monkeypatch.setattr("shared.db.url.get_secret_json", counting)

    response = client.get("/health/db")

    assert response.status_code in (500, 503)
    assert set(response.json()) == {"detail", "code"}
    assert reads == 1


def test_the_database_secret_is_read_again_once_its_time_to_live_is_over(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(
        Name="rds!db-ttl", SecretString=json.dumps({"username": "one", "password": "password-one"})
    )["ARN"]
    monkeypatch.setenv("DATABASE_SECRET_ARN", arn)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    settings = get_settings()
    monkeypatch.setattr(aws_secrets, "SECRET_MAX_AGE_SECONDS", 1)
    first = secret_credentials(settings)
    secrets.put_secret_value(
        SecretId=arn, SecretString=json.dumps({"username": "two", "password": "password-two"})
    )

    cached = secret_credentials(settings)
    time.sleep(1.1)
    expired = secret_credentials(settings)

    usernames = [read.username if read else None for read in (first, cached, expired)]
    assert usernames == ["one", "one", "two"]
    assert "password-two" not in repr(expired)


OLD_KEY = "the-signing-key-before-its-rotation-long-enough"
NEW_KEY = "the-signing-key-after-its-rotation-also-long-enough"


def test_tokens_signed_before_the_signing_key_rotated_verify_during_the_grace_period(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="jwt-rotating", SecretString=OLD_KEY)["ARN"]
    monkeypatch.setenv("SECRET_KEY_SECRET_ARN", arn)
    monkeypatch.setattr(aws_secrets, "SECRET_MAX_AGE_SECONDS", 1)
    get_settings.cache_clear()
    old_token, _ = create_access_token(uuid.uuid4(), "customer")

    secrets.put_secret_value(SecretId=arn, SecretString=NEW_KEY)
    time.sleep(1.1)
    new_token, _ = create_access_token(uuid.uuid4(), "admin")

    assert signing_key_module.signing_key(get_settings()) == NEW_KEY
    assert decode_access_token(new_token).role == "admin"
    assert decode_access_token(old_token).role == "customer"

    later = time.monotonic() + 3600  # past the grace period: the token lifetime plus the TTL
    monkeypatch.setattr(time, "monotonic", lambda: later)
    with pytest.raises(InvalidTokenError):
        decode_access_token(old_token)
    assert decode_access_token(new_token).role == "admin"


def test_a_token_signed_with_a_key_this_process_never_used_is_still_refused(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="jwt-other", SecretString=OLD_KEY)["ARN"]
    monkeypatch.setenv("SECRET_KEY_SECRET_ARN", arn)
    get_settings.cache_clear()
    forged, _ = create_access_token(
        uuid.uuid4(),
        "admin",
        settings=get_settings().model_copy(update={"secret_key_secret_arn": None}),
    )

    with pytest.raises(InvalidTokenError):
        decode_access_token(forged)
