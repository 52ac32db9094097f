"""The tests' own PgBouncer: on a machine without it, a test that needs it skips, saying how to
install it, rather than failing."""

from __future__ import annotations

import pytest

from tests.support import pgbouncer


def test_a_test_needing_pgbouncer_on_a_machine_without_it_skips_naming_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(pgbouncer, "_SEARCH_PATH", ())

    with (
        pytest.raises(pytest.skip.Exception, match=r"apt-get install -y pgbouncer"),
        pgbouncer.running_pgbouncer("postgresql://postgres@127.0.0.1:5432/postgres"),
    ):
        pytest.fail("PgBouncer started where none is installed")
