"""ORM sessions over the process's engine, built on the first request that needs one.

Importing this module imports SQLAlchemy's ORM and asyncio extension; nothing on a function's
start-up path does (`shared.db.session` imports it when a request first asks for a session).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db.engine import get_engine

_made_for: Engine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
_autocommit_sessionmaker: async_sessionmaker[AsyncSession] | None = None


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    _follow_engine()
    assert _sessionmaker is not None
    return _sessionmaker


def get_autocommit_sessionmaker() -> async_sessionmaker[AsyncSession]:
    """Sessions whose statements each commit on their own: no BEGIN and COMMIT round trips.

    Same pool as `get_sessionmaker()`; the isolation level is a flag on the driver connection,
    set at checkout and reset at checkin without a round trip.
    """
    _follow_engine()
    assert _autocommit_sessionmaker is not None
    return _autocommit_sessionmaker


def _follow_engine() -> None:
    """Session factories over the current engine: a new one after `dispose_engine()`."""
    global _made_for, _sessionmaker, _autocommit_sessionmaker
    engine = get_engine()
    if _made_for is engine:
        return
    # A thin asyncio facade over the same Engine: one pool, one set of connection events.
    async_engine = AsyncEngine(engine)
    autocommit = async_engine.execution_options(isolation_level="AUTOCOMMIT")
    _sessionmaker = async_sessionmaker(async_engine, expire_on_commit=False)
    _autocommit_sessionmaker = async_sessionmaker(autocommit, expire_on_commit=False)
    _made_for = engine
