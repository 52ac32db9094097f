"""A failed write logs the statement, never the values bound to it (emails, hashes, digests)."""

from __future__ import annotations

from functions.users.app import handler
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient, LambdaResponse
from tests.support.logs import CapturedLogs, captured_logs
from tests.users.helpers import PASSWORD, login, register

client = LambdaClient(handler)

EMAIL = "leaky.ann@example.org"
FULL_NAME = "Ann Leaky-Example"
ARGON2_PREFIX = "$argon2"
HIDDEN = "SQL parameters hidden"


def refuse_inserts(database_url: str, table: str) -> None:
    """The database refuses every insert into `table`, with a message that names no value: what
    SQLAlchemy adds to it (the statement and, unless hidden, its parameters) is all that could leak."""
    sql(
        database_url,
        "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE EXCEPTION 'inserts refused'; END $$",
    )
    sql(
        database_url,
        f"CREATE TRIGGER refuse_insert BEFORE INSERT ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION refuse_insert()",
    )


def assert_generic_failure(response: LambdaResponse) -> None:
    assert response.status_code in (500, 503), response.body
    assert set(response.json()) <= {"detail", "code"}
    assert "SQL" not in response.body
    assert "users" not in response.body


def assert_nothing_sensitive(logs: CapturedLogs, *responses: LambdaResponse) -> None:
    texts = [logs.text, *(response.body for response in responses)]
    for text in texts:
        for secret in (EMAIL, PASSWORD, FULL_NAME, ARGON2_PREFIX, "[parameters:"):
            assert secret not in text


def test_a_registration_the_database_rejects_logs_the_failure_but_not_the_values(
    database_url: str,
) -> None:
    refuse_inserts(database_url, "users")

    with captured_logs() as logs:
        response = register(client, email=EMAIL, full_name=FULL_NAME)

    assert_generic_failure(response)
    assert "INSERT INTO users" in logs.text  # the failure did reach the logs...
    assert HIDDEN in logs.text  # ...with its parameters withheld
    assert_nothing_sensitive(logs, response)


def test_a_login_whose_refresh_token_cannot_be_stored_logs_no_digest(database_url: str) -> None:
    assert register(client, email=EMAIL, full_name=FULL_NAME).status_code == 201
    refuse_inserts(database_url, "refresh_tokens")

    with captured_logs() as logs:
        response = login(client, email=EMAIL)

    assert_generic_failure(response)
    assert "INSERT INTO refresh_tokens" in logs.text
    assert HIDDEN in logs.text
    assert_nothing_sensitive(logs, response)
    # The digest is 32 raw bytes; bound parameters would show it as a bytes literal.
    assert "b'" not in logs.text
    assert "\\\\x" not in logs.text


def test_a_check_the_new_row_fails_does_not_log_the_row(database_url: str) -> None:
    # PostgreSQL answers a failed CHECK with "DETAIL: Failing row contains (...)": every value,
    # in the driver's error, which a logged traceback prints whatever SQLAlchemy hides.
    sql(database_url, "ALTER TABLE users ADD CONSTRAINT no_new_rows CHECK (false) NOT VALID")

    with captured_logs() as logs:
        response = register(client, email=EMAIL, full_name=FULL_NAME)

    assert_generic_failure(response)
    assert "no_new_rows" in logs.text
    assert "Failing row" not in logs.text
    assert_nothing_sensitive(logs, response)
