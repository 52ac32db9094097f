"""The secret scan every test session runs (tests/support/secret_scan.py): what it finds in log
lines, how it shows them, and that a session whose logs hold a secret fails while one whose
assertion diff does still only fails for the assertion."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.secret_scan import Secrets, scan_lines, secret_kinds

ROOT = Path(__file__).resolve().parents[1]
# Made-up secrets of each kind, written in pieces so that no line of this file is one.
JWT = "eyJhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxIn0" + "." + "c2lnbmF0dXJlLXZhbHVl"
ARGON2 = "$argon2" + "id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
DSN = "postgresql+asyncpg://bookstore:" + "s3cret-pass" + "@db.internal:5432/bookstore"
REFRESH = "Xq3" + "v" * 37 + "_9-"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (json.dumps({"level": "INFO", "message": "issued", "detail": JWT}), "JWT"),
        ("WARNING  root:auth.py:1 header was Bearer abcdefgh12345678", "bearer token"),
        (json.dumps({"message": "stored", "hash": ARGON2}), "Argon2 hash"),
        (f"connecting to {DSN}", "connection string with a password"),
        (json.dumps({"message": "login", "password": "hunter2hunter2"}), "a credential field"),
        (json.dumps({"message": "x", "extra": {"refresh_token": "abc"}}), "a credential field"),
        (json.dumps({"message": "x", "Authorization": "Basic dXNlcg=="}), "a credential field"),
    ],
)
def test_each_kind_of_secret_is_found_in_a_log_line(line: str, kind: str) -> None:
    assert kind in secret_kinds(line)


@pytest.mark.parametrize(
    "line",
    [
        json.dumps(
            {"level": "INFO", "message": "request served", "path": "/users/me", "status": 401}
        ),
        "engine at postgresql+asyncpg://bookstore:***@db.internal:5432/bookstore",
        "postgresql://postgres@127.0.0.1:5432/postgres",
        "[SQL parameters hidden due to hide_parameters=True]",
        json.dumps({"message": "x", "password": "***", "token_type": "bearer"}),
        json.dumps({"message": "x", "www-authenticate": "Bearer"}),
        # A page cursor is base64 JSON too, but has two parts, not a JWT's three.
        "cursor eyJpZCI6IjAxOTAwMDAwIn0.c2lnbmF0dXJlc2lnbmF0dQ",
        "01900000-0000-7000-8000-000000000001 correct horse",
    ],
)
def test_ordinary_log_lines_are_not_taken_for_secrets(line: str) -> None:
    assert secret_kinds(line) == []


def test_values_the_tests_used_are_found_and_short_ones_are_left_out() -> None:
    secrets = Secrets()
    secrets.remember("correct horse battery staple", "pw", "testing")
    secrets.remember_refresh_token(REFRESH)
    digest = hashlib.sha256(REFRESH.encode()).digest()
    lines = [
        "user typed correct horse battery staple",
        f"token {REFRESH} presented",
        f"digest={digest.hex()}",
        f"params=(b'{repr(digest)[2:-1]}',)",
        "pw testing",
    ]

    found = [kinds for kinds, _ in scan_lines(lines, secrets)]

    assert found == [["a secret value the tests used"]] * 4


def test_a_secret_string_is_remembered_with_its_credential_fields() -> None:
    secrets = Secrets()
    secrets.remember_secret_string(json.dumps({"username": "app", "password": "rotated-pass"}))

    assert secrets.in_line("connect as app with rotated-pass") == ["rotated-pass"]
    assert secrets.in_line("connect as app") == []


def test_a_finding_is_shown_masked_and_the_mask_is_no_secret_itself() -> None:
    secrets = Secrets()
    secrets.remember("correct horse battery staple")
    line = f"{JWT} {ARGON2} {DSN} correct horse battery staple"

    [(_, shown)] = scan_lines([line], secrets)

    for secret in (JWT, ARGON2, "s3cret-pass", "correct horse battery staple"):
        assert secret not in shown
    assert "eyJh…[" in shown
    assert scan_lines([shown], secrets) == []


INNER_TESTS = f"""
import logging

PASSWORD = "an-inner-password"


def test_logs_a_token():
    logging.getLogger("app").warning("issued %s", {JWT!r})


def test_prints_the_password():
    print("the password is", PASSWORD)


def test_fails_with_a_token_in_its_assertion_diff():
    assert {JWT!r} == "something else"


def test_logs_nothing_secret():
    logging.getLogger("app").warning("request served")
"""


def test_a_session_whose_logs_hold_a_secret_fails_naming_each_test_and_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_inner.py").write_text(INNER_TESTS)
    # Only this plugin: no options of the outer session, no cache left in the temporary folder.
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_ADDOPTS": "-p no:cacheprovider"}

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.support.secret_scan", "-q", str(tmp_path)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, output
    section = output.split("secrets in log output", 1)[1]
    report = section.split("hold a secret", 1)[0]
    assert "test_inner.py::test_logs_a_token (Captured log call): JWT" in report
    assert "test_inner.py::test_prints_the_password (Captured stdout call)" in report
    assert "test_fails_with_a_token" not in report
    assert "test_logs_nothing_secret" not in report
    assert report.rstrip().endswith("2 log line(s)")
    assert "an-inner-password" not in report
    assert JWT not in report
