"""Telling database errors apart: the database cannot serve us now (503, and why), credentials
refused (re-read the secret), everything else (a bug: 500); and keeping row values out of them."""

from __future__ import annotations

import ssl

import asyncpg
from sqlalchemy import exc


class DatabaseUnavailableError(Exception):
    """The database cannot serve this request now; `reason` says why, in words fit for a log line
    and a readiness probe (never a host name, a user or a password)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"database unavailable: {reason}")
        self.reason = reason


# Most specific first: asyncpg's classes inherit from one another.
_REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (asyncpg.InvalidPasswordError, "it refused the login (password)"),  # 28P01
    (asyncpg.InvalidAuthorizationSpecificationError, "it refused the login"),  # 28000: pg_hba, role
    (asyncpg.InvalidCatalogNameError, "the database does not exist"),  # 3D000
    (asyncpg.TooManyConnectionsError, "it has no connection slot free"),  # 53300
    (asyncpg.CannotConnectNowError, "it is starting up or shutting down"),  # 57P03
    (asyncpg.ReadOnlySQLTransactionError, "it is read-only (failover in progress)"),  # 25006
    (
        (asyncpg.AdminShutdownError, asyncpg.CrashShutdownError),  # 57P01, 57P02
        "it closed the connection (restart or failover)",
    ),
    (asyncpg.QueryCanceledError, "a statement ran past its time limit"),  # 57014
    (asyncpg.ConnectionDoesNotExistError, "the connection was lost"),
    (asyncpg.InterfaceError, "the connection was lost"),
    (exc.TimeoutError, "no pooled connection came free in time"),
    (TimeoutError, "it did not answer in time"),
    # An OSError too, yet the server was reached: DB_SSLMODE and DB_SSLROOTCERT are to blame.
    (ssl.SSLCertVerificationError, "its TLS certificate failed verification"),
    (OSError, "it cannot be reached"),
)
_REFUSED_LOGIN: tuple[type[BaseException], ...] = (
    asyncpg.InvalidPasswordError,  # 28P01
    asyncpg.InvalidAuthorizationSpecificationError,  # 28000: among others, no such role
    asyncpg.ProtocolViolationError,  # 08P01: PgBouncer's answer to any refused login
)


def error_chain(error: BaseException) -> list[BaseException]:
    """`error`, then what it was raised from (a SQLAlchemy error's driver error `orig` when it
    names no cause, else the error being handled when it was raised), each once, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        orig = getattr(current, "orig", None)
        current = (
            current.__cause__
            or (orig if isinstance(orig, BaseException) else None)
            or current.__context__
        )
    return chain


def is_refused_login(error: BaseException) -> bool:
    """For an error raised while logging in: the server, or a pooler in front of it, refused the
    user or password (SQLAlchemy may wrap the driver's error)."""
    return any(isinstance(link, _REFUSED_LOGIN) for link in error_chain(error))


def connect_failure_reason(error: BaseException) -> str | None:
    """Why a connection could not be opened, else None (a bug). Any server error while
    connecting is a refusal: no statement has run yet."""
    reason = driver_failure_reason(error)
    if reason is not None:
        return reason
    for link in error_chain(error):
        if isinstance(link, asyncpg.PostgresError):
            return f"it refused the connection ({link.sqlstate})"
    return None


def forget_row_values(error: BaseException) -> None:
    """PostgreSQL's DETAIL quotes row values ("Failing row contains (...)", "Key (email)=(...)");
    the driver's error prints it, and a logged traceback prints the driver's error."""
    for link in error_chain(error):
        if isinstance(link, asyncpg.PostgresError):
            link.detail = None


def driver_failure_reason(error: BaseException) -> str | None:
    """Why the database cannot serve us, for an error raised while talking to it (connecting, or
    running a statement), else None: a constraint violation or a syntax error is a bug or bad
    input, not unavailability. Only errors from the database path may be asked about: an
    `OSError` or `TimeoutError` from anywhere else would be misread."""
    for link in error_chain(error):
        if isinstance(link, DatabaseUnavailableError):
            return link.reason
        for kinds, reason in _REASONS:
            if isinstance(link, kinds):
                return reason
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return "the connection was lost"
    return None


def unavailable_reason(error: BaseException) -> str | None:
    """Why the database cannot serve this request, for an error that reached a request's error
    handler, else None. Bare `OSError`s and `TimeoutError`s are not asked about: the engine turns
    the database's own into `DatabaseUnavailableError` or a SQLAlchemy error, so a bare one came
    from elsewhere (a file, another service) and is a 500."""
    if isinstance(error, DatabaseUnavailableError | exc.SQLAlchemyError):
        return driver_failure_reason(error)
    return None
