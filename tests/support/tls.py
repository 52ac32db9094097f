"""A PostgreSQL server that speaks TLS, with a throwaway CA of the tests' own.

The embedded wheel's PostgreSQL is built without OpenSSL, so the server runs the programs of the
machine's own PostgreSQL (the one `pg_config` on PATH names, as Debian's packages install it) in a
data folder of its own: the machine's running server is never touched. Its certificate names
`localhost` and not `127.0.0.1`, so the same server tells hostname checks apart from chain checks.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from bookstore import embedded_postgres
from tests.support.databases import run
from tests.support.disposable_postgres import DisposablePostgres

SERVER_HOST_NAME = "localhost"


class NoTlsPostgresError(RuntimeError):
    pass


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    def write(self, path: Path) -> Path:
        path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        return path


def new_authority(name: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    public = key.public_key()
    certificate = (
        _valid_for_a_day(x509.CertificateBuilder())
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(certificate, key)


def server_certificate(
    authority: Authority, host_name: str
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A certificate for `host_name` (a DNS name only: no IP address), signed by `authority`."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _valid_for_a_day(x509.CertificateBuilder())
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_name)]))
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())
    )
    return certificate, key


def _valid_for_a_day(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        builder.serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def openssl_postgres_bindir() -> Path:
    """The programs of a PostgreSQL built with OpenSSL, else `NoTlsPostgresError` saying what
    to install."""
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        completed = subprocess.run(
            [pg_config, "--bindir", "--configure"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        bindir, _, configure = completed.stdout.partition("\n")
        if "--with-openssl" in configure or "--with-ssl=openssl" in configure:
            return Path(bindir.strip())
    raise NoTlsPostgresError(
        "no PostgreSQL built with OpenSSL: install the distribution's PostgreSQL server "
        "(Debian: apt-get install postgresql), whose pg_config must be on PATH"
    )


def start_tls_postgres(authority: Authority) -> DisposablePostgres:
    """A server of its own, answering TLS (and plain) connections with a certificate for
    `localhost` that `authority` signed."""
    server = DisposablePostgres(openssl_postgres_bindir())
    try:
        certificate, key = server_certificate(authority, SERVER_HOST_NAME)
        folder = server.root / "tls"
        folder.mkdir()
        cert_file = folder / "server.crt"
        key_file = folder / "server.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        # PostgreSQL refuses a key that anyone but its owner, the server's user, may read.
        key_file.chmod(0o600)
        user = embedded_postgres.system_user()
        if user is not None:
            for path in (folder, cert_file, key_file):
                shutil.chown(path, user)
        server.sql(
            f"ALTER SYSTEM SET ssl_cert_file = '{cert_file}'",
            f"ALTER SYSTEM SET ssl_key_file = '{key_file}'",
            "ALTER SYSTEM SET ssl = on",
            "SELECT pg_reload_conf()",
        )
        _wait_for_tls(server)
    except BaseException:
        server.destroy()
        raise
    return server


def _wait_for_tls(server: DisposablePostgres) -> None:
    """The postmaster loads the certificate when it rereads its configuration, a moment after
    pg_reload_conf() returns; a certificate it refuses reaches only its log."""
    deadline = time.monotonic() + 5
    while True:
        try:
            run(_encrypted_connection(server))
            return
        except (OSError, asyncpg.PostgresError) as error:
            if time.monotonic() > deadline:
                raise NoTlsPostgresError(
                    f"the server did not turn TLS on (see {server.root / 'log'})"
                ) from error
        time.sleep(0.05)


async def _encrypted_connection(server: DisposablePostgres) -> None:
    connection = await asyncpg.connect(server.url(), ssl="require")
    await connection.close()
