"""TLS to the database: what `DB_SSLMODE` and `DB_SSLROOTCERT` hand asyncpg (docs/database-tls.md).

asyncpg, given `verify-ca` or `verify-full` as a string, looks for the CA bundle in PGSSLROOTCERT
or ~/.postgresql/root.crt; a Lambda function has neither. With DB_SSLROOTCERT it gets an
`ssl.SSLContext` built from that bundle instead.
"""

from __future__ import annotations

import ssl
from functools import lru_cache
from typing import Literal

SslMode = Literal["disable", "prefer", "require", "verify-ca", "verify-full"]
VERIFYING_MODES: frozenset[str] = frozenset({"verify-ca", "verify-full"})


class CaBundleError(ValueError):
    """DB_SSLROOTCERT names a file that cannot be read, or that holds no certificate."""


def ssl_argument(mode: SslMode, root_cert: str | None) -> ssl.SSLContext | str | bool | None:
    """asyncpg's `ssl` argument for `mode`, or None to leave asyncpg its default (`prefer`)."""
    if mode == "prefer":
        return None
    if mode == "disable":
        return False
    if mode in VERIFYING_MODES and root_cert:
        return verifying_context(root_cert, check_hostname=mode == "verify-full")
    # Left to asyncpg, which reads PGSSLROOTCERT or ~/.postgresql/root.crt as libpq does: a verify
    # mode needs one of them; `require` encrypts, and verifies only when one of them is there.
    return mode


@lru_cache(maxsize=4)
def verifying_context(root_cert: str, *, check_hostname: bool) -> ssl.SSLContext:
    """A context that trusts only the certificates of `root_cert` and checks the server's chain
    against them, and with `check_hostname` that the certificate names the host connected to.
    Built once per process: it reads the file."""
    # As asyncpg builds its own, not `ssl.create_default_context()`: since Python 3.13 that adds
    # strict X.509 checks libpq does not make, and a server libpq trusts must be trusted here.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cafile=root_cert)
    except ssl.SSLError as error:
        raise CaBundleError(_unusable(root_cert, "it holds no PEM certificate")) from error
    except OSError as error:
        raise CaBundleError(_unusable(root_cert, error.strerror or str(error))) from error
    if not context.cert_store_stats()["x509"]:
        raise CaBundleError(_unusable(root_cert, "it holds no certificate"))
    context.check_hostname = check_hostname
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _unusable(root_cert: str, why: str) -> str:
    return f"DB_SSLROOTCERT={root_cert!r} is not a CA bundle this process can read: {why}"
