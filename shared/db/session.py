"""The session dependency: one session and one transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.engine import get_autocommit_sessionmaker
from shared.db.transaction import transaction

# Safe methods only read. Their statements run without an explicit transaction, which saves the
# BEGIN and COMMIT round trips (two of a simple read's three).
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commit when the endpoint returns, roll back when it raises (see `shared.db.transaction`).

    Scope "function" makes FastAPI run the commit (and any after-commit work) before the response
    is sent, so a client never sees a success whose commit then failed.
    """
    if request.method in READ_ONLY_METHODS:
        async with get_autocommit_sessionmaker()() as session:
            yield session
        return
    async with transaction() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
