"""The session dependency: one session and one transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.engine import get_sessionmaker


async def get_session() -> AsyncIterator[AsyncSession]:
    """Commit when the endpoint returns, roll back when it raises.

    Scope "function" makes FastAPI run the commit before the response is sent, so a client never
    sees a success whose commit then failed.
    """
    async with get_sessionmaker()() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
