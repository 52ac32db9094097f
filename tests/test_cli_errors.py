"""An unreachable database or a busy port: one line on stderr and exit code 2, not a traceback."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bookstore.cli import main

# Nothing listens on port 1; the password must not be printed.
UNREACHABLE = "postgresql://postgres:s3cret@127.0.0.1:1/bookstore"


def run_main(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    return int(exit_info.value.code or 0)


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from shared.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "argv",
    [
        ("migrate",),
        ("migrate", "upgrade"),
        ("seed", "--count", "1"),
        ("create-admin", "ops@example.org", "--password-stdin"),
    ],
)
def test_an_unreachable_database_is_one_clear_line_and_exit_code_2(
    argv: tuple[str, ...],
    unreachable_database: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))

    code = run_main(*argv)

    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert err.startswith(f"bookstore {argv[0]}: cannot reach the database")
    assert "127.0.0.1:1/bookstore" in err
    assert "s3cret" not in err


def _console(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = os.path.join(os.path.dirname(sys.executable), "bookstore")
    return subprocess.run(
        [script, *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_console_script_reports_an_unreachable_database_without_a_traceback() -> None:
    result = _console("migrate", env={**os.environ, "DATABASE_URL": UNREACHABLE})

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot reach the database at postgresql://postgres:***@127.0.0.1:1/bookstore" in (
        result.stderr
    )


def test_dev_on_a_busy_port_fails_at_once_without_touching_the_database() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        # Unreachable: were the database started or migrated first, this would report that.
        result = _console(
            "dev", "--port", str(port), env={**os.environ, "DATABASE_URL": UNREACHABLE}
        )
        elapsed = time.monotonic() - started

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"dev: cannot listen on 127.0.0.1:{port} (Address already in use): is another server "
        "using it? Choose another with --port"
    ]
    assert "database" not in result.stdout
    assert "schema" not in result.stdout
    assert elapsed < 10  # the interpreter's start-up; no database, no migration, no workers
