"""The session dependency: one session and one transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from shared.lazy import lazy_import

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shared.db import sessions, transaction
else:
    # The ORM is imported by the first request that asks for a session, not at start-up: a
    # function whose first requests read without one never pays for it.
    sessions = lazy_import("shared.db.sessions")
    transaction = lazy_import("shared.db.transaction")

# Safe methods only read. Their statements run without an explicit transaction, which saves the
# BEGIN and COMMIT round trips (two of a simple read's three).
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commit when the endpoint returns, roll back when it raises (see `shared.db.transaction`).

    Scope "function" makes FastAPI run the commit (and any after-commit work) before the response
    is sent, so a client never sees a success whose commit then failed.
    """
    if request.method in READ_ONLY_METHODS:
        async with sessions.get_autocommit_sessionmaker()() as session:
            yield session
        return
    async with transaction.transaction() as session:
        yield session


if TYPE_CHECKING:
    SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
else:
    # FastAPI needs only the dependency; the session's class stays unimported until used.
    SessionDep = Annotated[object, Depends(get_session, scope="function")]
