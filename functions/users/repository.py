"""Queries of the Users function. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, func, select, update

from shared.auth.roles import Role
from shared.db.ids import new_id
from shared.db.models import RefreshToken, User
from shared.db.tables.users import refresh_tokens

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

EMAIL_UNIQUE_INDEX = "uq_users_email_lower"


async def get_user(session: AsyncSession, *, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_email(session: AsyncSession, *, email: str) -> User | None:
    """`email` is already normalised; the comparison uses the case-insensitive unique index."""
    return await session.scalar(select(User).where(func.lower(User.email) == email))


async def add_user(
    session: AsyncSession,
    *,
    email: str,
    full_name: str,
    password_hash: str,
    role: Role,
    has_password: bool = True,
) -> User:
    user = User(
        email=email,
        full_name=full_name,
        password_hash=password_hash,
        has_password=has_password,
        role=role,
    )
    session.add(user)
    await session.flush()
    return user


async def lock_refresh_token(session: AsyncSession, *, digest: bytes) -> RefreshToken | None:
    """The stored token, row-locked until the transaction ends: a concurrent rotation of the same
    token waits here, then sees it revoked."""
    return await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == digest).with_for_update()
    )


def add_refresh_token(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    digest: bytes,
    expires_at: datetime,
) -> None:
    session.add(
        RefreshToken(
            id=new_id(),
            user_id=user_id,
            family_id=family_id,
            token_hash=digest,
            expires_at=expires_at,
        )
    )


async def revoke_family(session: AsyncSession, *, family_id: uuid.UUID, now: datetime) -> None:
    await _revoke(session, refresh_tokens.c.family_id == family_id, now=now)


async def revoke_family_of(session: AsyncSession, *, digest: bytes, now: datetime) -> None:
    family = select(refresh_tokens.c.family_id).where(refresh_tokens.c.token_hash == digest)
    await _revoke(session, refresh_tokens.c.family_id == family.scalar_subquery(), now=now)


async def revoke_user_tokens(session: AsyncSession, *, user_id: uuid.UUID, now: datetime) -> None:
    await _revoke(session, refresh_tokens.c.user_id == user_id, now=now)


async def _revoke(session: AsyncSession, tokens: ColumnElement[bool], *, now: datetime) -> None:
    connection = await session.connection()
    await connection.execute(
        update(refresh_tokens)
        .where(tokens, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def delete_refresh_tokens_expired_before(session: AsyncSession, *, cutoff: datetime) -> int:
    connection = await session.connection()
    result = await connection.execute(
        delete(refresh_tokens).where(refresh_tokens.c.expires_at < cutoff)
    )
    return int(result.rowcount or 0)
