"""The session dependency: one session and one transaction per request that writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends

from shared.runtime.lazy import lazy_import

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shared.db import transaction
else:
    # The ORM is imported by the first request that asks for a session, not at start-up: a
    # function whose first requests read without one (`shared.db.reads`) never pays for it.
    transaction = lazy_import("shared.db.transaction")


async def get_session() -> AsyncIterator[AsyncSession]:
    """Commit when the endpoint returns, roll back when it raises (see `shared.db.transaction`).

    Scope "function" makes FastAPI run the commit (and any after-commit work) before the response
    is sent, so a client never sees a success whose commit then failed.
    """
    async with transaction.transaction() as session:
        yield session


if TYPE_CHECKING:
    SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
else:
    # FastAPI needs only the dependency; the session's class stays unimported until used.
    SessionDep = Annotated[object, Depends(get_session, scope="function")]
