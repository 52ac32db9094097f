"""Telling database errors apart: unreachable or too slow (503), credentials refused (re-read the
secret), everything else."""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc

_UNAVAILABLE_DRIVER_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InterfaceError,
    asyncpg.QueryCanceledError,
    asyncpg.AdminShutdownError,
)
_AUTHENTICATION_FAILURES: tuple[type[BaseException], ...] = (
    asyncpg.InvalidPasswordError,  # 28P01
    asyncpg.InvalidAuthorizationSpecificationError,  # 28000: among others, no such role
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


def is_authentication_failure(error: BaseException) -> bool:
    """The server refused the user or password (SQLAlchemy may wrap the driver's error)."""
    return any(isinstance(link, _AUTHENTICATION_FAILURES) for link in error_chain(error))


def is_database_unavailable(error: BaseException) -> bool:
    if isinstance(error, exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        cause = error.orig.__cause__ if error.orig is not None else None
        return isinstance(error.orig, _UNAVAILABLE_DRIVER_ERRORS) or isinstance(
            cause, _UNAVAILABLE_DRIVER_ERRORS
        )
    return isinstance(error, _UNAVAILABLE_DRIVER_ERRORS)
