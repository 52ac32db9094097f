"""Queries of the OpenID Connect sign-in. Never commits: the request's session owns the
transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert

from shared.db.tables.identities import oidc_authorizations, oidc_login_codes, user_identities

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def user_id_of_identity(
    session: AsyncSession, *, issuer: str, subject: str
) -> uuid.UUID | None:
    connection = await session.connection()
    return await connection.scalar(
        select(user_identities.c.user_id).where(
            user_identities.c.issuer == issuer, user_identities.c.subject == subject
        )
    )


async def link_identity(
    session: AsyncSession, *, user_id: uuid.UUID, provider: str, issuer: str, subject: str
) -> uuid.UUID:
    """Links the identity to the account, unless a concurrent sign-in linked it first: answers
    the account it belongs to either way."""
    connection = await session.connection()
    await connection.execute(
        upsert(user_identities)
        .values(id=uuid.uuid4(), user_id=user_id, provider=provider, issuer=issuer, subject=subject)
        .on_conflict_do_nothing(index_elements=["issuer", "subject"])
    )
    linked = await user_id_of_identity(session, issuer=issuer, subject=subject)
    assert linked is not None
    return linked


async def providers_of(session: AsyncSession, *, user_id: uuid.UUID) -> list[str]:
    connection = await session.connection()
    rows = await connection.scalars(
        select(user_identities.c.provider)
        .where(user_identities.c.user_id == user_id)
        .order_by(user_identities.c.provider)
    )
    return list(rows)


async def add_authorization(session: AsyncSession, **values: Any) -> None:
    connection = await session.connection()
    await connection.execute(insert(oidc_authorizations).values(**values))


async def take_authorization(
    session: AsyncSession, *, state_hash: bytes, provider: str
) -> dict[str, Any] | None:
    """The flow this state started, deleted as it is read: a state works once."""
    connection = await session.connection()
    row = (
        await connection.execute(
            delete(oidc_authorizations)
            .where(
                oidc_authorizations.c.state_hash == state_hash,
                oidc_authorizations.c.provider == provider,
                oidc_authorizations.c.expires_at > func.now(),
            )
            .returning(*oidc_authorizations.c)
        )
    ).first()
    return None if row is None else dict(row._mapping)


async def add_login_code(
    session: AsyncSession,
    *,
    code_hash: bytes,
    provider: str,
    user_id: uuid.UUID,
    expires_at: datetime,
) -> None:
    connection = await session.connection()
    await connection.execute(
        insert(oidc_login_codes).values(
            code_hash=code_hash, provider=provider, user_id=user_id, expires_at=expires_at
        )
    )


async def take_login_code(
    session: AsyncSession, *, code_hash: bytes, provider: str
) -> uuid.UUID | None:
    """The account the code signs into, the code deleted as it is read: a code works once."""
    connection = await session.connection()
    return await connection.scalar(
        delete(oidc_login_codes)
        .where(
            oidc_login_codes.c.code_hash == code_hash,
            oidc_login_codes.c.provider == provider,
            oidc_login_codes.c.expires_at > func.now(),
        )
        .returning(oidc_login_codes.c.user_id)
    )


async def delete_expired(session: AsyncSession, *, now: datetime) -> int:
    connection = await session.connection()
    deleted = 0
    for table in (oidc_authorizations, oidc_login_codes):
        result = await connection.execute(delete(table).where(table.c.expires_at < now))
        deleted += int(result.rowcount or 0)
    return deleted
