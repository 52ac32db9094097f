"""Secrets rotate under a warm environment: the database secret and the access-token key pair."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator

import boto3
import jwt
import pytest
from sqlalchemy.engine import make_url

from functions.health.app import handler
from shared.auth import token_keys
from shared.auth.token_keys import signing_key
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


OLD_SEED = "the-token-key-seed-before-its-rotation-long-enough"
NEW_SEED = "the-token-key-seed-after-its-rotation-also-long-enough"
PUBLIC_KEYS = "/bookstore/token-public-keys"


@pytest.fixture
def token_keys_in_aws(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """The stack's resources: the private key's secret and the empty public-keys parameter."""
    arn = boto3.client("secretsmanager").create_secret(Name="tokens", SecretString=OLD_SEED)["ARN"]
    boto3.client("ssm").put_parameter(Name=PUBLIC_KEYS, Value='{"keys": []}', Type="String")
    monkeypatch.setenv("TOKEN_SIGNING_KEY_SECRET_ARN", arn)
    monkeypatch.setenv("TOKEN_PUBLIC_KEYS_SSM_PARAMETER", PUBLIC_KEYS)
    get_settings.cache_clear()
    return arn


def published_kids() -> list[str]:
    value = boto3.client("ssm").get_parameter(Name=PUBLIC_KEYS)["Parameter"]["Value"]
    return [key["kid"] for key in json.loads(value)["keys"]]


def test_the_signer_publishes_its_public_key_before_its_first_token(
    token_keys_in_aws: str,
) -> None:
    token, _ = create_access_token(uuid.uuid4(), "customer")

    assert published_kids() == [signing_key(get_settings()).kid]
    assert decode_access_token(token).role == "customer"


def test_tokens_signed_before_the_token_key_rotated_still_verify_and_new_ones_too(
    token_keys_in_aws: str,
) -> None:
    old_token, _ = create_access_token(uuid.uuid4(), "customer")
    old_kid = signing_key(get_settings()).kid
    assert decode_access_token(old_token).role == "customer"

    boto3.client("secretsmanager").put_secret_value(
        SecretId=token_keys_in_aws, SecretString=NEW_SEED
    )
    aws_secrets.clear_secret_cache()
    new_token, _ = create_access_token(uuid.uuid4(), "admin")

    new_kid = signing_key(get_settings()).kid
    assert new_kid != old_kid
    assert published_kids() == [new_kid, old_kid]
    assert decode_access_token(new_token).role == "admin"
    assert decode_access_token(old_token).role == "customer"


def test_a_verifier_with_stale_keys_reads_them_again_for_a_token_of_a_new_key(
    token_keys_in_aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_access_token(uuid.uuid4(), "customer")
    # Another environment of the Users function signs with a rotated key and publishes it; this
    # process still has the old document cached.
    monkeypatch.setattr(token_keys, "_last_refresh", float("-inf"))
    new_pair = token_keys._signing_key_of(NEW_SEED)
    document = {"keys": [{**new_pair.jwk, "kid": new_pair.kid}]}
    boto3.client("ssm").put_parameter(
        Name=PUBLIC_KEYS, Value=json.dumps(document), Type="String", Overwrite=True
    )
    token = jwt.encode(
        {
            "sub": str(uuid.uuid4()),
            "role": "admin",
            "type": "access",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
            "jti": "x",
            "iss": "bookstore",
            "aud": "bookstore-api",
        },
        new_pair.private_key,
        algorithm="ES256",
        headers={"kid": new_pair.kid},
    )

    assert decode_access_token(token).role == "admin"


def test_a_token_signed_with_a_key_never_published_is_refused(token_keys_in_aws: str) -> None:
    create_access_token(uuid.uuid4(), "customer")
    forged, _ = create_access_token(
        uuid.uuid4(),
        "admin",
        settings=get_settings().model_copy(
            update={"token_signing_key_secret_arn": None, "token_public_keys_ssm_parameter": None}
        ),
    )

    with pytest.raises(InvalidTokenError):
        decode_access_token(forged)


def test_production_never_derives_the_token_keys_from_the_secret_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-cursor-key-of-good-length-0123456789")
    get_settings.cache_clear()

    with pytest.raises(token_keys.TokenKeyError, match="TOKEN_SIGNING_KEY_SECRET_ARN"):
        create_access_token(uuid.uuid4(), "customer")
