from __future__ import annotations

import io

import pytest

from bookstore.cli import main
from tests.support.lambda_client import LambdaClient
from tests.users.helpers import PASSWORD, login, register

ADMIN_PASSWORD = "an operator's long passphrase"


def create_admin(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(["create-admin", *argv])
    return int(exit_info.value.code or 0)


def role_after_login(client: LambdaClient, email: str, password: str) -> str:
    token = login(client, email=email, password=password).json()["access_token"]
    return str(client.get("/users/me", token=token).json()["role"])


def test_create_admin_with_password_stdin_creates_an_admin_who_can_log_in(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PASSWORD + "\n"))

    assert create_admin("Root@Example.org", "--password-stdin", "--full-name", "Ops") == 0

    assert "admin account created" in capsys.readouterr().out
    assert role_after_login(client, "root@example.org", ADMIN_PASSWORD) == "admin"


def test_create_admin_prompts_for_the_password_twice(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([ADMIN_PASSWORD, ADMIN_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert create_admin("root@example.org") == 0

    assert role_after_login(client, "root@example.org", ADMIN_PASSWORD) == "admin"


def test_create_admin_refuses_mismatched_prompts_and_creates_nothing(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([ADMIN_PASSWORD, ADMIN_PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    assert create_admin("root@example.org") == 2

    assert login(client, email="root@example.org", password=ADMIN_PASSWORD).status_code == 401


def test_create_admin_refuses_a_short_password(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("tiny7\n"))

    assert create_admin("root@example.org", "--password-stdin") == 2

    assert "tiny7" not in capsys.readouterr().err
    assert login(client, email="root@example.org", password="tiny7").status_code == 401


def test_create_admin_promotes_an_existing_account_without_asking_a_password(
    client: LambdaClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    register(client, email="ann@example.org")
    monkeypatch.setattr("getpass.getpass", pytest.fail)

    assert create_admin("ANN@example.org") == 0

    assert "promoted to admin" in capsys.readouterr().out
    assert role_after_login(client, "ann@example.org", PASSWORD) == "admin"


def test_create_admin_refuses_an_invalid_email(database_url: str) -> None:
    assert create_admin("not-an-email", "--password-stdin") == 2
