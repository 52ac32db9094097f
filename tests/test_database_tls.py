"""TLS to the database, against a real PostgreSQL answering TLS with a certificate for `localhost`
(not for 127.0.0.1) signed by a CA of the tests' own: what each DB_SSLMODE accepts and refuses."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.util import greenlet_spawn

from bookstore.template import load_template
from shared.db.engine import connect_args, create_engine
from shared.db.faults import DatabaseUnavailableError, error_chain
from shared.db.tls import SslMode
from shared.settings import Settings
from tests.support.databases import run
from tests.support.disposable_postgres import DisposablePostgres
from tests.support.tls import (
    SERVER_HOST_NAME,
    Authority,
    NoTlsPostgresError,
    new_authority,
    openssl_postgres_bindir,
    start_tls_postgres,
)


@pytest.fixture(scope="module")
def authority() -> Authority:
    return new_authority("bookstore tests CA")


@pytest.fixture(scope="module")
def tls_postgres(authority: Authority) -> Iterator[DisposablePostgres]:
    try:
        openssl_postgres_bindir()
    except NoTlsPostgresError as error:
        pytest.skip(str(error))
    server = start_tls_postgres(authority)
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def ca_bundle(authority: Authority, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return authority.write(tmp_path_factory.mktemp("tls") / "ca.pem")


@pytest.fixture(scope="module")
def another_ca_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_authority("someone else's CA").write(tmp_path_factory.mktemp("tls") / "other.pem")


def settings_for(
    server: DisposablePostgres, host: str, mode: SslMode, root_cert: Path | None = None
) -> Settings:
    url = make_url(server.url()).set(host=host).render_as_string(hide_password=False)
    return Settings(
        database_url=SecretStr(url),
        db_sslmode=mode,
        db_sslrootcert=str(root_cert) if root_cert else None,
    )


def encryption_the_server_sees(settings: Settings) -> bool:
    """Through the engine the functions use: whether the server reports this connection as
    encrypted (pg_stat_ssl)."""

    def ask(engine: Engine) -> bool:
        with engine.connect() as connection:
            query = text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            return bool(connection.execute(query).scalar_one())

    async def through_engine() -> bool:
        engine = create_engine(settings)
        try:
            return bool(await greenlet_spawn(ask, engine))
        finally:
            await greenlet_spawn(engine.dispose)

    return run(through_engine())


def refusal(settings: Settings) -> ssl.SSLCertVerificationError:
    """The verification error a connection with `settings` fails with, as a 503 would log it."""
    with pytest.raises(DatabaseUnavailableError) as raised:
        encryption_the_server_sees(settings)
    assert raised.value.reason == "its TLS certificate failed verification"
    errors = [e for e in error_chain(raised.value) if isinstance(e, ssl.SSLCertVerificationError)]
    assert errors, error_chain(raised.value)
    return errors[0]


def test_verify_full_with_the_right_ca_connects_to_the_name_on_the_certificate_encrypted(
    tls_postgres: DisposablePostgres, ca_bundle: Path
) -> None:
    settings = settings_for(tls_postgres, SERVER_HOST_NAME, "verify-full", ca_bundle)

    assert encryption_the_server_sees(settings) is True


def test_verify_full_refuses_a_server_whose_certificate_names_another_host(
    tls_postgres: DisposablePostgres, ca_bundle: Path
) -> None:
    settings = settings_for(tls_postgres, "127.0.0.1", "verify-full", ca_bundle)

    assert "mismatch" in refusal(settings).verify_message


def test_verify_ca_trusts_the_chain_whatever_host_the_certificate_names(
    tls_postgres: DisposablePostgres, ca_bundle: Path
) -> None:
    settings = settings_for(tls_postgres, "127.0.0.1", "verify-ca", ca_bundle)

    assert encryption_the_server_sees(settings) is True


@pytest.mark.parametrize("mode", ["verify-full", "verify-ca"])
def test_a_verify_mode_refuses_a_certificate_another_ca_signed(
    tls_postgres: DisposablePostgres, another_ca_bundle: Path, mode: SslMode
) -> None:
    settings = settings_for(tls_postgres, SERVER_HOST_NAME, mode, another_ca_bundle)

    assert "unable to get local issuer certificate" in refusal(settings).verify_message


def test_require_encrypts_without_any_ca(tls_postgres: DisposablePostgres) -> None:
    settings = settings_for(tls_postgres, "127.0.0.1", "require")

    assert encryption_the_server_sees(settings) is True


def test_disable_connects_in_clear_to_a_server_that_offers_tls(
    tls_postgres: DisposablePostgres,
) -> None:
    settings = settings_for(tls_postgres, "127.0.0.1", "disable")

    assert encryption_the_server_sees(settings) is False


@pytest.mark.parametrize("mode", ["verify-full", "verify-ca"])
def test_a_verify_mode_with_a_missing_ca_bundle_stops_at_the_settings_naming_db_sslrootcert(
    tmp_path: Path, mode: SslMode
) -> None:
    missing = tmp_path / "rds-global-bundle.pem"

    with pytest.raises(ValidationError, match="DB_SSLROOTCERT") as raised:
        Settings(db_sslmode=mode, db_sslrootcert=str(missing))

    assert "No such file or directory" in str(raised.value)


def test_a_ca_bundle_that_holds_no_certificate_is_refused_naming_db_sslrootcert(
    tmp_path: Path,
) -> None:
    not_a_bundle = tmp_path / "bundle.pem"
    not_a_bundle.write_text("<html>404 Not Found</html>\n")

    with pytest.raises(ValidationError, match=r"DB_SSLROOTCERT.*no PEM certificate"):
        Settings(db_sslmode="verify-full", db_sslrootcert=str(not_a_bundle))


def test_the_bundle_is_read_only_by_the_verify_modes(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.pem")

    for mode in ("disable", "prefer", "require"):
        assert Settings(db_sslmode=mode, db_sslrootcert=missing).db_sslrootcert == missing


def test_each_process_builds_one_context_per_bundle_and_mode(ca_bundle: Path) -> None:
    full = Settings(db_sslmode="verify-full", db_sslrootcert=str(ca_bundle))
    ca_only = Settings(db_sslmode="verify-ca", db_sslrootcert=str(ca_bundle))

    context = connect_args(full)["ssl"]

    assert connect_args(full)["ssl"] is context
    assert context.check_hostname is True
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert connect_args(ca_only)["ssl"].check_hostname is False
    assert connect_args(ca_only)["ssl"].verify_mode == ssl.CERT_REQUIRED


def test_without_a_bundle_the_modes_reach_asyncpg_as_libpq_spells_them() -> None:
    ssl_of = {
        mode: connect_args(Settings(db_sslmode=mode)).get("ssl", "absent")
        for mode in ("disable", "prefer", "require", "verify-ca", "verify-full")
    }

    assert ssl_of == {
        "disable": False,
        "prefer": "absent",
        "require": "require",
        "verify-ca": "verify-ca",
        "verify-full": "verify-full",
    }


def test_the_stack_encrypts_by_default_offers_every_mode_and_passes_a_bundle_only_when_given() -> (
    None
):
    template = load_template()
    mode = template["Parameters"]["DatabaseSslMode"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]

    assert mode["Default"] == "require"
    assert mode["AllowedValues"] == list(get_args(SslMode))
    assert variables["DB_SSLMODE"] == {"Ref": "DatabaseSslMode"}
    assert variables["DB_SSLROOTCERT"] == {
        "Fn::If": ["HasSslRootCert", {"Ref": "DatabaseSslRootCert"}, {"Ref": "AWS::NoValue"}]
    }
    assert template["Conditions"]["HasSslRootCert"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "DatabaseSslRootCert"}, ""]}]
    }
