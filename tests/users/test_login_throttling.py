"""Login and registration limits (`functions.users.throttling`): a guessing run against one
account, a spraying run across many from one address, registrations from one address, and what
a refused attempt costs (no password hash)."""

from __future__ import annotations

import json
import multiprocessing
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from functions.users import passwords
from functions.users.app import handler
from functions.users.throttling import email_digest
from shared.settings import Settings, get_settings
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient, LambdaResponse, invoke
from tests.support.logs import captured_logs
from tests.support.races import OpenTransaction, lock_waiters
from tests.users.helpers import PASSWORD, login, register
from tests.users.processes import login_in_fresh_process

WRONG = "not the password at all"
MAX_FAILURES = Settings().auth_max_failed_logins_per_account


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash verification the Users function computes, by kind."""
    computed: list[str] = []
    verify_and_update, verify_dummy = passwords.verify_and_update, passwords.verify_dummy

    def counted_verify_and_update(password: str, password_hash: str) -> tuple[bool, str | None]:
        computed.append("account")
        return verify_and_update(password, password_hash)

    def counted_verify_dummy(password: str) -> None:
        computed.append("dummy")
        verify_dummy(password)

    monkeypatch.setattr(passwords, "verify_and_update", counted_verify_and_update)
    monkeypatch.setattr(passwords, "verify_dummy", counted_verify_dummy)
    return computed


def use(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def login_from(
    source_ip: str, email: str, password: str = WRONG, headers: dict[str, str] | None = None
) -> LambdaResponse:
    body = json.dumps({"email": email, "password": password})
    event = http_api_event(
        "POST", "/auth/login", headers=headers or {}, body=body, source_ip=source_ip
    )
    return invoke(handler, event)


def register_from(source_ip: str, email: str) -> LambdaResponse:
    body = json.dumps({"email": email, "password": PASSWORD, "full_name": "Ann"})
    event = http_api_event("POST", "/auth/register", body=body, source_ip=source_ip)
    return invoke(handler, event)


def assert_too_many(response: LambdaResponse) -> int:
    assert response.status_code == 429, response.body
    assert response.json()["code"] == "AUTH_TOO_MANY_ATTEMPTS"
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    return retry_after


def test_the_attempt_after_ten_failures_is_refused_without_computing_a_hash(
    client: LambdaClient, hashes: list[str]
) -> None:
    register(client)
    for _ in range(MAX_FAILURES):
        assert login(client, password=WRONG).status_code == 401
    assert len(hashes) == MAX_FAILURES

    retry_after = assert_too_many(login(client, password=WRONG))

    assert len(hashes) == MAX_FAILURES
    assert retry_after <= Settings().auth_lockout_seconds


def test_the_right_password_is_refused_while_the_account_is_locked(
    client: LambdaClient, hashes: list[str]
) -> None:
    register(client)
    for _ in range(MAX_FAILURES):
        login(client, password=WRONG)
    computed = len(hashes)

    assert_too_many(login(client))
    assert len(hashes) == computed


def test_a_locked_account_locks_out_no_other(client: LambdaClient) -> None:
    register(client)
    register(client, email="bob@example.org")
    for _ in range(MAX_FAILURES):
        login(client, password=WRONG)

    assert_too_many(login(client))
    assert login(client, email="bob@example.org").status_code == 200


def test_the_lock_lifts_after_its_window_and_a_success_resets_the_count(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_LOCKOUT_SECONDS="1", AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT="3")
    register(client)
    for _ in range(3):
        assert login(client, password=WRONG).status_code == 401
    assert_too_many(login(client))

    time.sleep(1.2)

    assert login(client).status_code == 200
    for _ in range(2):
        assert login(client, password=WRONG).status_code == 401
    assert login(client).status_code == 200


def test_each_new_lock_out_of_an_account_lasts_longer(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_LOCKOUT_SECONDS="1", AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT="2")
    register(client)
    for _ in range(2):
        login(client, password=WRONG)
    assert assert_too_many(login(client)) == 1
    time.sleep(1.2)

    # Still past the threshold: one more failure locks the account again, for twice as long.
    assert login(client, password=WRONG).status_code == 401

    assert assert_too_many(login(client)) == 2


def test_the_lock_out_window_is_capped_at_an_hour(
    client: LambdaClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_LOCKOUT_SECONDS="3600", AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT="1")
    register(client)
    login(client, password=WRONG)
    sql(database_url, "UPDATE login_lockouts SET lockouts = 20, locked_until = now()")

    login(client, password=WRONG)

    assert 3500 < assert_too_many(login(client)) <= 3600


def test_an_unknown_email_is_locked_like_a_known_one(
    client: LambdaClient, database_url: str, hashes: list[str]
) -> None:
    for _ in range(MAX_FAILURES):
        assert login(client, email="nobody@example.org").status_code == 401

    assert_too_many(login(client, email="nobody@example.org"))
    assert hashes == ["dummy"] * MAX_FAILURES
    [row] = sql(database_url, "SELECT email_digest FROM login_lockouts")
    assert row["email_digest"] == email_digest("nobody@example.org")


def test_a_spraying_run_across_many_accounts_from_one_address_is_refused_for_that_address(
    database_url: str, monkeypatch: pytest.MonkeyPatch, hashes: list[str]
) -> None:
    use(monkeypatch, AUTH_MAX_FAILED_LOGINS_PER_IP="5")
    client = LambdaClient(handler)
    register(client, email="victim@example.org")
    for serial in range(5):
        assert login_from("203.0.113.7", f"user{serial}@example.org").status_code == 401
    computed = len(hashes)

    # A header the client writes changes nothing: the address is API Gateway's.
    refused = login_from(
        "203.0.113.7", "victim@example.org", PASSWORD, headers={"x-forwarded-for": "192.0.2.1"}
    )

    assert 14 * 60 < assert_too_many(refused) <= 15 * 60
    assert len(hashes) == computed
    assert login_from("198.51.100.2", "victim@example.org", PASSWORD).status_code == 200


def test_failures_older_than_fifteen_minutes_no_longer_count_against_an_address(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_MAX_FAILED_LOGINS_PER_IP="2")
    for serial in range(2):
        login_from("203.0.113.7", f"user{serial}@example.org")
    assert_too_many(login_from("203.0.113.7", "other@example.org"))

    sql(database_url, "UPDATE auth_attempts SET created_at = now() - interval '16 minutes'")

    assert login_from("203.0.113.7", "other@example.org").status_code == 401


def test_registrations_from_one_address_are_limited_per_hour(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_MAX_REGISTRATIONS_PER_IP="3")
    for serial in range(3):
        assert register_from("203.0.113.7", f"user{serial}@example.org").status_code == 201

    assert 59 * 60 < assert_too_many(register_from("203.0.113.7", "late@example.org")) <= 3600
    assert register_from("198.51.100.2", "late@example.org").status_code == 201
    assert sql(database_url, "SELECT count(*) AS n FROM users")[0]["n"] == 4


def test_a_registration_of_a_taken_email_counts_against_the_address(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_MAX_REGISTRATIONS_PER_IP="2")
    assert register_from("203.0.113.7", "ann@example.org").status_code == 201
    assert register_from("203.0.113.7", "ann@example.org").status_code == 409

    assert_too_many(register_from("203.0.113.7", "bob@example.org"))


def test_per_address_limits_are_off_in_development_unless_set() -> None:
    development = Settings(env="development")
    assert development.failed_logins_per_ip_limit is None
    assert development.registrations_per_ip_limit is None
    assert Settings(env="production").failed_logins_per_ip_limit == 100
    assert Settings(env="production").registrations_per_ip_limit == 20
    chosen = Settings(
        env="development", auth_max_failed_logins_per_ip=7, auth_max_registrations_per_ip=3
    )
    assert (chosen.failed_logins_per_ip_limit, chosen.registrations_per_ip_limit) == (7, 3)


def test_concurrent_failures_from_several_environments_each_count_once(
    client: LambdaClient, database_url: str
) -> None:
    register(client)
    sql(
        database_url,
        "INSERT INTO login_lockouts (email_digest, failures) VALUES ($1, 0)",
        email_digest("ann@example.org"),
    )
    # Hold the account's row so that every failure waits to count until all are waiting.
    held = OpenTransaction(database_url)
    held.execute(
        "SELECT 1 FROM login_lockouts WHERE email_digest = $1 FOR UPDATE",
        email_digest("ann@example.org"),
    )
    body = {"email": "ann@example.org", "password": WRONG}
    context = multiprocessing.get_context("spawn")
    try:
        with context.Pool(3) as pool:
            pending = [
                pool.apply_async(login_in_fresh_process, (database_url, body)) for _ in range(3)
            ]
            deadline = time.monotonic() + 60
            while lock_waiters(database_url) < 3:
                assert time.monotonic() < deadline, "every failure should wait on the row lock"
                assert not any(result.ready() for result in pending), "a failure did not wait"
                time.sleep(0.05)
            held.rollback()
            statuses = [result.get(timeout=60) for result in pending]
    finally:
        held.rollback()

    assert statuses == [401, 401, 401]
    [row] = sql(database_url, "SELECT failures FROM login_lockouts")
    assert row["failures"] == 3


def test_failed_and_refused_logins_are_logged_with_address_and_agent_never_the_email(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT="1")
    agent = {"user-agent": "curl/8.5.0"}
    with captured_logs() as logs:
        login_from("203.0.113.7", "ann@example.org", headers=agent)
        login_from("203.0.113.7", "ann@example.org", headers=agent)

    lines: list[dict[str, Any]] = [
        line for line in logs.lines if line["message"].startswith("login")
    ]
    assert [line["message"] for line in lines] == [
        "login failed",
        "login refused: too many attempts",
    ]
    for line in lines:
        assert (line["source_ip"], line["user_agent"]) == ("203.0.113.7", "curl/8.5.0")
        assert line["email_ref"] == email_digest("ann@example.org").hex()[:16]
    assert "ann@example.org" not in logs.text
    assert WRONG not in logs.text


def test_the_scheduled_purge_deletes_attempt_records_older_than_a_day(
    client: LambdaClient, database_url: str
) -> None:
    register(client)
    login(client, password=WRONG)
    login(client, email="bob@example.org", password=WRONG)
    old = datetime.now(UTC) - timedelta(days=2)
    sql(database_url, "UPDATE auth_attempts SET created_at = $1 WHERE kind = 'registration'", old)
    sql(
        database_url,
        "UPDATE login_lockouts SET updated_at = $1 WHERE email_digest = $2",
        old,
        email_digest("bob@example.org"),
    )

    result = handler({"action": "purge-expired-refresh-tokens"}, LocalLambdaContext())

    assert result["attempt_records_deleted"] == 2
    kinds = [row["kind"] for row in sql(database_url, "SELECT kind FROM auth_attempts")]
    assert sorted(kinds) == ["login_failure", "login_failure"]
    [kept] = sql(database_url, "SELECT email_digest FROM login_lockouts")
    assert kept["email_digest"] == email_digest("ann@example.org")
