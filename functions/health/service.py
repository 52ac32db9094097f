"""Health checks: is the database reachable, and is its schema the one this code expects."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from shared.db.access import CATALOG
from shared.db.compiled import CompiledStatement, Reader, reading
from shared.db.faults import unavailable_reason
from shared.db.revision import REVISIONS, SCHEMA_HEAD
from shared.errors import ServiceUnavailableError
from shared.observability.log import logger

ROUND_TRIP = CompiledStatement(text("SELECT 1"))
MIGRATED = CompiledStatement(text("SELECT to_regclass('alembic_version') IS NOT NULL AS migrated"))
CURRENT_REVISIONS = CompiledStatement(text("SELECT version_num FROM alembic_version"))


class DatabaseUnreachable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@asynccontextmanager
async def reachable() -> AsyncIterator[Reader]:
    """A pooled connection, or `DatabaseUnreachable` when the database cannot serve one."""
    try:
        async with reading(CATALOG) as reader:
            yield reader
    except Exception as error:
        reason = unavailable_reason(error)
        if reason is None:
            raise
        logger.warning("database unavailable", reason=reason, error=type(error).__name__)
        raise DatabaseUnreachable(reason) from error


async def measure_round_trip_ms(reader: Reader) -> float:
    started = time.perf_counter()
    await reader.fetchrow(ROUND_TRIP)
    return round((time.perf_counter() - started) * 1000, 3)


async def check_database() -> float:
    try:
        async with reachable() as reader:
            return await measure_round_trip_ms(reader)
    except DatabaseUnreachable as unreachable:
        raise ServiceUnavailableError(
            f"The database is unavailable: {unreachable.reason}", code="DB_UNAVAILABLE"
        ) from None


async def check_readiness() -> str:
    """The schema revision, when the database answers and is at this code's head, or past it.

    Past it: a deployment migrates before its code serves (expand/contract, docs/migrations.md),
    so this code keeps serving for a while on the next release's schema, a revision it does not
    know. A revision it knows other than its head is one it is ahead of: not ready."""
    try:
        async with reachable() as reader:
            revision = await _schema_revision(reader)
    except DatabaseUnreachable as unreachable:
        raise _not_ready(f"The database is unavailable: {unreachable.reason}") from None
    if revision is None:
        raise _not_ready("The database schema has not been migrated")
    if revision != SCHEMA_HEAD and revision in REVISIONS:
        raise _not_ready(f"The database schema is at {revision}, this code expects {SCHEMA_HEAD}")
    return revision


async def _schema_revision(reader: Reader) -> str | None:
    migrated = await reader.fetchrow(MIGRATED)
    if migrated is None or not migrated["migrated"]:
        return None
    revisions = await reader.fetch(CURRENT_REVISIONS)
    return str(revisions[0]["version_num"]) if len(revisions) == 1 else None


def _not_ready(detail: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(detail, code="NOT_READY")
