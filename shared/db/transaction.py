"""Who commits: the one way every entry point opens a session and its transaction.

Each transaction acts for someone (`shared.db.access.Access`): its first statement assumes the
database role and sets the caller, and row-level security holds every statement after it to them.

HTTP requests get theirs from the session dependency (`shared.db.request_session`); operator actions, CLI
commands and scheduled jobs use `transaction(access)` directly. Domain code never commits: it flushes,
and the owner of the transaction commits when the work returns and rolls back when it raises.

Two things a service may ask of the owner, through the session:
- `commit_on_error(session)`: keep what was written even though the work ends with a domain error
  (`AppError`). Revoking a stolen refresh-token family before answering 401 needs this.
- `after_commit(session, callback)`: run `callback` once the transaction has committed, never when
  it rolls back (publishing the outbox events an order wrote). A failing callback is logged and
  swallowed: the commit stands and the callback's own recovery (the outbox drain) takes over.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import lru_cache

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.db.access import ASSUME, Access
from shared.db.engine import get_engine
from shared.errors import AppError
from shared.observability.log import logger

AfterCommit = Callable[[], Awaitable[None]]

_ASSUME = text(ASSUME)
_COMMIT_ON_ERROR = "bookstore.commit_on_error"
_AFTER_COMMIT = "bookstore.after_commit"


def commit_on_error(session: AsyncSession) -> None:
    session.info[_COMMIT_ON_ERROR] = True


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    return _sessionmaker(get_engine())


# One engine at a time: after `dispose_engine()` the next call builds a factory for the new one.
@lru_cache(maxsize=1)
def _sessionmaker(engine: Engine) -> async_sessionmaker[AsyncSession]:
    # A thin asyncio facade over the same Engine: one pool, one set of connection events.
    return async_sessionmaker(AsyncEngine(engine), expire_on_commit=False)


@asynccontextmanager
async def transaction(access: Access) -> AsyncIterator[AsyncSession]:
    """A session in a transaction acting for `access`: committed when the block returns, rolled
    back when it raises (committed and re-raised for a domain error after `commit_on_error`)."""
    async with get_sessionmaker()() as session:
        await session.begin()
        try:
            await session.execute(_ASSUME, access.settings())
            yield session
        except AppError:
            if session.info.pop(_COMMIT_ON_ERROR, False):
                await session.commit()
                await _run_after_commit(session)
            else:
                await _roll_back(session)
            raise
        except BaseException:
            await _roll_back(session)
            raise
        await session.commit()
        await _run_after_commit(session)


async def _roll_back(session: AsyncSession) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    await session.rollback()


async def _run_after_commit(session: AsyncSession) -> None:
    callbacks: list[AfterCommit] = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        try:
            await callback()
        except Exception:
            logger.exception("after-commit callback failed", callback=repr(callback))
