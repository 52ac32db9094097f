"""ORM sessions over the process's engine, built on the first request that needs one.

Importing this module imports SQLAlchemy's ORM and asyncio extension; nothing on a function's
start-up path does (`shared.db.session` imports it when a request first asks for a session).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db.engine import get_engine


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    return _factories(get_engine()).transactional


def get_autocommit_sessionmaker() -> async_sessionmaker[AsyncSession]:
    """Sessions whose statements each commit on their own: no BEGIN and COMMIT round trips.

    Same pool as `get_sessionmaker()`; the isolation level is a flag on the driver connection,
    set at checkout and reset at checkin without a round trip.
    """
    return _factories(get_engine()).autocommit


@dataclass(frozen=True, slots=True)
class _Factories:
    transactional: async_sessionmaker[AsyncSession]
    autocommit: async_sessionmaker[AsyncSession]


# One engine at a time: after `dispose_engine()` the next call builds factories for the new one.
@lru_cache(maxsize=1)
def _factories(engine: Engine) -> _Factories:
    # A thin asyncio facade over the same Engine: one pool, one set of connection events.
    async_engine = AsyncEngine(engine)
    autocommit = async_engine.execution_options(isolation_level="AUTOCOMMIT")
    return _Factories(
        transactional=async_sessionmaker(async_engine, expire_on_commit=False),
        autocommit=async_sessionmaker(autocommit, expire_on_commit=False),
    )
