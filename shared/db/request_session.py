"""The session dependencies: one session and one transaction per request that writes, acting for
the caller a route names by the dependency it takes.

- `CallerSession`: a signed-in user's own rows (row-level security holds it to them).
- `AdminSession`: an admin's route, across users (`bookstore_ops`).
- `CallerOrAdminSession`: an admin across users, anyone else on their own rows.
- `SignInSession`: registration, login and token refresh, before anyone is signed in.
- `AccountSession`: a signed-in user changing their own account, password included (Users only).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends

from shared.auth.dependencies import AdminUser, CurrentUser
from shared.db.access import ACCOUNTS, OPERATIONS, Access, DbRole, as_caller, as_caller_or_admin
from shared.runtime.lazy import lazy_import

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shared.db import transaction
else:
    # The ORM is imported by the first request that asks for a session, not at start-up: a
    # function whose first requests read without one (`shared.db.compiled`) never pays for it.
    transaction = lazy_import("shared.db.transaction")


# Each commits when the endpoint returns and rolls back when it raises (`shared.db.transaction`).
# Scope "function" makes FastAPI run the commit (and any after-commit work) before the response is
# sent, so a client never sees a success whose commit then failed.


async def caller_session(principal: CurrentUser) -> AsyncIterator[AsyncSession]:
    async with transaction.transaction(as_caller(principal.user_id)) as session:
        yield session


async def admin_session(principal: AdminUser) -> AsyncIterator[AsyncSession]:
    async with transaction.transaction(OPERATIONS) as session:
        yield session


async def caller_or_admin_session(principal: CurrentUser) -> AsyncIterator[AsyncSession]:
    async with transaction.transaction(as_caller_or_admin(principal)) as session:
        yield session


async def sign_in_session() -> AsyncIterator[AsyncSession]:
    async with transaction.transaction(ACCOUNTS) as session:
        yield session


async def account_session(principal: CurrentUser) -> AsyncIterator[AsyncSession]:
    async with transaction.transaction(Access(DbRole.AUTH, principal.user_id)) as session:
        yield session


if TYPE_CHECKING:
    CallerSession = Annotated[AsyncSession, Depends(caller_session, scope="function")]
    AdminSession = Annotated[AsyncSession, Depends(admin_session, scope="function")]
    CallerOrAdminSession = Annotated[
        AsyncSession, Depends(caller_or_admin_session, scope="function")
    ]
    SignInSession = Annotated[AsyncSession, Depends(sign_in_session, scope="function")]
    AccountSession = Annotated[AsyncSession, Depends(account_session, scope="function")]
else:
    # FastAPI needs only the dependency; the session's class stays unimported until used.
    CallerSession = Annotated[object, Depends(caller_session, scope="function")]
    AdminSession = Annotated[object, Depends(admin_session, scope="function")]
    CallerOrAdminSession = Annotated[object, Depends(caller_or_admin_session, scope="function")]
    SignInSession = Annotated[object, Depends(sign_in_session, scope="function")]
    AccountSession = Annotated[object, Depends(account_session, scope="function")]
