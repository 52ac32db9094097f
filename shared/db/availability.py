"""Telling "the database is unreachable or too slow" apart from every other database error."""

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
