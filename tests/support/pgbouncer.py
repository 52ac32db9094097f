"""A PgBouncer of the tests' own, in transaction pool mode, in front of a PostgreSQL server: the
stand-in for RDS Proxy (`DB_PROXY_MODE=true`). Its configuration is `pgbouncer.ini` beside this
file, rendered into a temporary folder with a free loopback port and the upstream server.

In a test or a fixture::

    with running_pgbouncer(upstream_url) as pooled_url:
        ...  # pooled_url: the upstream URL with PgBouncer's host and port

or `bouncer = PgBouncer(upstream_url)`, `bouncer.start()` (answers the pooled URL) and
`bouncer.stop()`.
For CI (`.ci/run`)::

    uv run python -m tests.support.pgbouncer --upstream URL [--url-file F] [--log-file F]

prints the pooled URL once PgBouncer accepts connections, and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import atexit
import getpass
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from string import Template
from types import FrameType, TracebackType
from typing import Self

import pytest
from sqlalchemy.engine import URL, make_url

from tests.support.ports import free_loopback_port

CONFIG_TEMPLATE = Path(__file__).with_name("pgbouncer.ini")
INSTALL_COMMAND = "apt-get install -y pgbouncer"

# PgBouncer refuses to run as root; Debian's package runs it as the PostgreSQL user.
_USERS_WHEN_ROOT = ("postgres", "nobody")
_SEARCH_PATH = ("/usr/sbin", "/usr/local/sbin", "/usr/bin")
_START_TIMEOUT_SECONDS = 15.0
_STOP_TIMEOUT_SECONDS = 10.0
# A free port can be taken by someone else between finding it and PgBouncer binding it.
_PORT_ATTEMPTS = 5
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)
_PROTOCOL_3 = 196608


class PgBouncerError(RuntimeError):
    """PgBouncer is missing, would not start, or its admin console refused a command."""


def pgbouncer_binary() -> str:
    """The path of the `pgbouncer` executable (Debian puts it in /usr/sbin, often not on PATH)."""
    search = os.pathsep.join([os.environ.get("PATH", ""), *_SEARCH_PATH])
    found = shutil.which("pgbouncer", path=search)
    if found is None:
        raise PgBouncerError(
            f"PgBouncer is not installed: `{INSTALL_COMMAND}` (as root) installs it"
        )
    return found


def pgbouncer_version(binary: str | None = None) -> tuple[int, int]:
    output = subprocess.run(
        [binary or pgbouncer_binary(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"PgBouncer (\d+)\.(\d+)", output)
    if match is None:
        raise PgBouncerError(f"cannot read PgBouncer's version from {output!r}")
    return int(match[1]), int(match[2])


def _system_user_when_root(socket_folder: str | None) -> str | None:
    """Who PgBouncer runs as when this process is root: the owner of the upstream's socket
    folder when it is reached over a Unix socket (an embedded server keeps its socket in a data
    folder only its own user may enter), else a system user that exists."""
    if os.geteuid() != 0:
        return None
    if socket_folder is not None:
        owner = pwd.getpwuid(Path(socket_folder).stat().st_uid).pw_name
        if owner != "root":
            return owner
    for name in _USERS_WHEN_ROOT:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PgBouncerError(f"running as root, and none of the users {_USERS_WHEN_ROOT} exists")


def _answers_postgres_protocol(port: int) -> bool:
    """True once something on the port answers an SSLRequest as PostgreSQL servers do."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
            probe.sendall(_SSL_REQUEST)
            return probe.recv(1) in (b"N", b"S")
    except OSError:
        return False


def _quote_auth(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


class PgBouncer:
    """One PgBouncer process in front of `upstream_url`'s server, on a free port of 127.0.0.1.

    `url` is `upstream_url` (same user, password and database) with PgBouncer's host and port;
    any other database name of the upstream server works through it too.
    """

    def __init__(self, upstream_url: str, *, log_path: Path | None = None) -> None:
        self.upstream: URL = make_url(upstream_url)
        self.user = self.upstream.username or getpass.getuser()
        self._log_path = log_path
        self._folder: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._last_log = ""

    @property
    def port(self) -> int:
        if self._port is None:
            raise PgBouncerError("PgBouncer is not running")
        return self._port

    @property
    def url(self) -> str:
        return pooled_url(self.upstream, self.port)

    @property
    def log_path(self) -> Path | None:
        if self._log_path is not None:
            return self._log_path
        return None if self._folder is None else self._folder / "pgbouncer.log"

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> str:
        """Start PgBouncer and wait until it accepts connections; answers the pooled URL."""
        if self.running():
            return self.url
        binary = pgbouncer_binary()
        version = pgbouncer_version(binary)
        run_as = _system_user_when_root(self._socket_folder())
        self._folder = Path(tempfile.mkdtemp(prefix="bookstore-pgbouncer-"))
        log_path = self.log_path
        assert log_path is not None
        try:
            for attempt in range(1, _PORT_ATTEMPTS + 1):
                port = free_loopback_port()
                config = self._write_config(port, version, run_as)
                logged_before = log_path.stat().st_size if log_path.exists() else 0
                # PgBouncer logs to stderr in the foreground; the file is opened here, so the
                # user it switches to need not be able to write where the log goes.
                with log_path.open("ab") as log:
                    command = [binary, *(["-u", run_as] if run_as else []), str(config)]
                    process = subprocess.Popen(
                        command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
                    )
                if _wait_until_ready(process, port):
                    self._process, self._port = process, port
                    atexit.register(self.stop)
                    return self.url
                _end(process)
                with log_path.open("rb") as log:
                    log.seek(logged_before)
                    log_text = log.read().decode(errors="replace")
                if "Address already in use" not in log_text or attempt == _PORT_ATTEMPTS:
                    tail = "\n".join(log_text.splitlines()[-20:])
                    raise PgBouncerError(f"PgBouncer did not start ({' '.join(command)}):\n{tail}")
            raise AssertionError("unreachable")
        except BaseException:
            self._remove_folder()
            raise

    def stop(self) -> None:
        """Stop PgBouncer at once (its open client connections are closed) and remove its files."""
        atexit.unregister(self.stop)
        process, self._process = self._process, None
        if process is not None:
            _end(process)
        self._port = None
        self._remove_folder()

    def log_text(self) -> str:
        """What PgBouncer logged so far (after `stop`, until it stopped)."""
        path = self.log_path
        if path is not None and path.exists():
            self._last_log = path.read_text(errors="replace")
        return self._last_log

    def _socket_folder(self) -> str | None:
        """The upstream's Unix-socket folder, when it is reached through one."""
        host = self.upstream.host or self.upstream.query.get("host")
        return host if isinstance(host, str) and host.startswith("/") else None

    def _write_config(self, port: int, version: tuple[int, int], run_as: str | None) -> Path:
        assert self._folder is not None
        host = self.upstream.host or self.upstream.query.get("host") or "127.0.0.1"
        upstream = f"host={host} port={self.upstream.port or 5432}"
        auth_file = self._folder / "users.txt"
        auth_file.write_text(
            f"{_quote_auth(self.user)} {_quote_auth(self.upstream.password or '')}\n"
        )
        config = self._folder / "pgbouncer.ini"
        config.write_text(
            Template(CONFIG_TEMPLATE.read_text()).substitute(
                upstream=upstream,
                port=port,
                auth_file=auth_file,
                user=self.user,
                prepared_statements="max_prepared_statements = 0" if version >= (1, 21) else "",
            )
        )
        if run_as is not None:
            for path in (self._folder, auth_file, config):
                shutil.chown(path, run_as)
        for path in (auth_file, config):
            path.chmod(0o600)
        return config

    def _remove_folder(self) -> None:
        self.log_text()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _wait_until_ready(process: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if _answers_postgres_protocol(port):
            return True
        time.sleep(0.05)
    return False


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: PgBouncer's immediate shutdown
        try:
            process.wait(_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pooled_url(upstream: str | URL, port: int) -> str:
    """`upstream` (its user, password and database) reached through a PgBouncer on `port`."""
    url = make_url(upstream) if isinstance(upstream, str) else upstream
    through = url.set(host="127.0.0.1", port=port).difference_update_query(["host", "port"])
    return through.render_as_string(hide_password=False)


@contextmanager
def running_pgbouncer(upstream_url: str) -> Iterator[str]:
    """A PgBouncer in front of `upstream_url`'s server for the block; yields the pooled URL.

    Skips the calling test, saying how to install it, on a machine without PgBouncer."""
    try:
        pgbouncer_binary()
    except PgBouncerError as error:
        pytest.skip(str(error))
    with PgBouncer(upstream_url) as bouncer:
        yield bouncer.url


# The admin console (database "pgbouncer") speaks only the simple query protocol, which asyncpg
# sends but whose rows it does not return: a small client of its own.


def admin_console(pooled_url: str, command: str) -> list[dict[str, str | None]]:
    """Rows of one admin console command (`SHOW CLIENTS`, `KILL db`, `RESUME db`) of the
    PgBouncer serving `pooled_url`, as the URL's user (one of its `admin_users`)."""
    url = make_url(pooled_url)
    user = url.username or getpass.getuser()
    with socket.create_connection((url.host or "127.0.0.1", url.port or 6432), timeout=10) as sock:
        wire = _Wire(sock)
        parameters = b"".join(
            f"{name}\0{value}\0".encode()
            for name, value in (("user", user), ("database", "pgbouncer"))
        )
        wire.send(b"", struct.pack("!i", _PROTOCOL_3) + parameters + b"\0")
        _read_until_ready(wire, user, url.password or "")
        wire.send(b"Q", command.encode() + b"\0")
        rows = _read_rows(wire)
        wire.send(b"X", b"")
        return rows


class _Wire:
    """PostgreSQL protocol messages over a socket: a kind byte, a length, a body."""

    def __init__(self, sock: socket.socket) -> None:
        self._socket = sock

    def send(self, kind: bytes, body: bytes) -> None:
        self._socket.sendall(kind + struct.pack("!i", len(body) + 4) + body)

    def receive(self) -> tuple[bytes, bytes]:
        header = self._exactly(5)
        length: int = struct.unpack("!i", header[1:])[0]
        return header[:1], self._exactly(length - 4)

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self._socket.recv(size - len(data))
            if not chunk:
                raise PgBouncerError("PgBouncer's admin console closed the connection")
            data += chunk
        return data


def _error_text(body: bytes) -> str:
    fields = {part[:1]: part[1:].decode(errors="replace") for part in body.split(b"\0") if part}
    return f"{fields.get(b'C', '?')} {fields.get(b'M', '')}"


def _read_until_ready(wire: _Wire, user: str, password: str) -> None:
    while True:
        kind, body = wire.receive()
        if kind == b"E":
            raise PgBouncerError(f"admin console login refused: {_error_text(body)}")
        if kind == b"Z":
            return
        if kind != b"R":
            continue
        method = struct.unpack("!i", body[:4])[0]
        if method == 3:  # cleartext password
            wire.send(b"p", password.encode() + b"\0")
        elif method == 5:  # MD5, salted
            inner = hashlib.md5((password + user).encode()).hexdigest().encode()
            digest = hashlib.md5(inner + body[4:8]).hexdigest()
            wire.send(b"p", f"md5{digest}".encode() + b"\0")
        elif method != 0:
            raise PgBouncerError(f"admin console asks for authentication method {method}")


def _read_rows(wire: _Wire) -> list[dict[str, str | None]]:
    columns: list[str] = []
    rows: list[dict[str, str | None]] = []
    error: str | None = None
    while True:
        kind, body = wire.receive()
        if kind == b"T":
            count = struct.unpack("!h", body[:2])[0]
            position, columns = 2, []
            for _ in range(count):
                end = body.index(b"\0", position)
                columns.append(body[position:end].decode())
                position = end + 1 + 18  # table oid, column, type oid, size, modifier, format
        elif kind == b"D":
            count = struct.unpack("!h", body[:2])[0]
            position, values = 2, list[str | None]()
            for _ in range(count):
                length = struct.unpack("!i", body[position : position + 4])[0]
                position += 4
                if length < 0:
                    values.append(None)
                else:
                    values.append(body[position : position + length].decode())
                    position += length
            rows.append(dict(zip(columns, values, strict=True)))
        elif kind == b"E":
            error = _error_text(body)
        elif kind == b"Z":
            if error is not None:
                raise PgBouncerError(f"admin console: {error}")
            return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.pgbouncer",
        description="Serve a PostgreSQL server through a PgBouncer in transaction mode until "
        "SIGTERM or SIGINT; prints the pooled URL once it accepts connections.",
    )
    parser.add_argument("--upstream", required=True, help="a URL of the PostgreSQL server")
    parser.add_argument("--url-file", type=Path, help="also write the pooled URL to this file")
    parser.add_argument("--log-file", type=Path, help="PgBouncer's log (default: a temporary file)")
    arguments = parser.parse_args(argv)

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bouncer = PgBouncer(arguments.upstream, log_path=arguments.log_file)
    try:
        url = bouncer.start()
    except PgBouncerError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        if arguments.url_file is not None:
            partial = arguments.url_file.with_name(arguments.url_file.name + ".partial")
            partial.write_text(url + "\n")
            partial.replace(arguments.url_file)  # whoever polls for the file sees all of it
        print(url, flush=True)
        while not stopping and bouncer.running():
            time.sleep(0.2)
        if not stopping:
            print("PgBouncer exited on its own:\n" + bouncer.log_text()[-4000:], file=sys.stderr)
            return 1
        return 0
    finally:
        bouncer.stop()


if __name__ == "__main__":
    sys.exit(main())
