from __future__ import annotations

import statistics
import time

from pwdlib.hashers.argon2 import Argon2Hasher

from functions.users import passwords
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import PASSWORD, login, register

INVALID_CREDENTIALS = {"detail": "Invalid email or password", "code": "AUTH_INVALID_CREDENTIALS"}


def test_login_with_a_wrong_password_is_401_with_invalid_credentials(
    any_client: LambdaClient,
) -> None:
    register(any_client)

    response = login(any_client, password="not the password")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS
    assert response.headers["www-authenticate"] == "Bearer"


def test_login_with_an_unknown_email_is_the_same_401(client: LambdaClient) -> None:
    register(client)

    response = login(client, email="nobody@example.org")

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_login_to_a_disabled_account_is_the_same_401(
    client: LambdaClient, database_url: str
) -> None:
    register(client)
    sql(database_url, "UPDATE users SET is_active = false")

    response = login(client)

    assert response.status_code == 401
    assert response.json() == INVALID_CREDENTIALS


def test_an_unknown_email_costs_about_what_a_wrong_password_costs(client: LambdaClient) -> None:
    register(client)

    def median_seconds(email: str) -> float:
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            assert login(client, email=email, password="wrong password").status_code == 401
            timings.append(time.perf_counter() - started)
        return statistics.median(timings)

    known, unknown = median_seconds("ann@example.org"), median_seconds("nobody@example.org")

    # Without the dummy verification an unknown email answers in a fraction of the hash time.
    assert 0.4 < unknown / known < 2.5, (known, unknown)


def test_the_dummy_hash_uses_the_current_parameters() -> None:
    assert not passwords.needs_rehash(passwords.DUMMY_HASH)
    assert passwords.DUMMY_HASH.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_new_passwords_are_hashed_with_argon2id(client: LambdaClient, database_url: str) -> None:
    register(client)

    stored = sql(database_url, "SELECT password_hash FROM users")[0]["password_hash"]

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


def test_login_upgrades_a_hash_made_with_older_parameters(
    client: LambdaClient, database_url: str
) -> None:
    register(client)
    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=2).hash(PASSWORD)
    sql(database_url, "UPDATE users SET password_hash = $1", weak)

    assert login(client).status_code == 200

    upgraded = sql(database_url, "SELECT password_hash FROM users")[0]["password_hash"]
    assert upgraded != weak
    assert not passwords.needs_rehash(upgraded)
    assert login(client).status_code == 200


def test_a_failed_login_does_not_touch_an_old_hash(client: LambdaClient, database_url: str) -> None:
    register(client)
    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=2).hash(PASSWORD)
    sql(database_url, "UPDATE users SET password_hash = $1", weak)

    assert login(client, password="wrong password").status_code == 401

    assert sql(database_url, "SELECT password_hash FROM users")[0]["password_hash"] == weak
