"""Health checks: is the database reachable, and is its schema the one this code expects."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.availability import unavailable_reason
from shared.db.schema import SCHEMA_HEAD
from shared.errors import ServiceUnavailableError
from shared.observability import logger


class DatabaseUnreachable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def measure_round_trip_ms(session: AsyncSession) -> float:
    started = time.perf_counter()
    try:
        await session.execute(text("SELECT 1"))
    except Exception as error:
        reason = unavailable_reason(error)
        if reason is None:
            raise
        logger.warning("database unavailable", reason=reason, error=type(error).__name__)
        raise DatabaseUnreachable(reason) from error
    return round((time.perf_counter() - started) * 1000, 3)


async def check_database(session: AsyncSession) -> float:
    try:
        return await measure_round_trip_ms(session)
    except DatabaseUnreachable as unreachable:
        raise ServiceUnavailableError(
            f"The database is unavailable: {unreachable.reason}", code="DB_UNAVAILABLE"
        ) from None


async def check_readiness(session: AsyncSession) -> str:
    """The schema revision, when the database answers and is at the migrations' head."""
    try:
        await measure_round_trip_ms(session)
    except DatabaseUnreachable as unreachable:
        raise _not_ready(f"The database is unavailable: {unreachable.reason}") from None
    revision = await _schema_revision(session)
    if revision is None:
        raise _not_ready("The database schema has not been migrated")
    if revision != SCHEMA_HEAD:
        raise _not_ready(f"The database schema is at {revision}, this code expects {SCHEMA_HEAD}")
    return revision


async def _schema_revision(session: AsyncSession) -> str | None:
    exists = await session.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
    if not exists:
        return None
    revisions = (await session.scalars(text("SELECT version_num FROM alembic_version"))).all()
    return revisions[0] if len(revisions) == 1 else None


def _not_ready(detail: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(detail, code="NOT_READY")
