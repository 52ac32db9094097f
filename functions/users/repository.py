"""Queries of the Users function. Never commits: the request's session owns the transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, case, delete, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as upsert

from shared.auth.roles import Role
from shared.db.ids import new_id
from shared.db.models import RefreshToken, User
from shared.db.tables.users import auth_attempts, login_lockouts, refresh_tokens, users

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

EMAIL_UNIQUE_INDEX = "uq_users_email_lower"


async def get_user(session: AsyncSession, *, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


# What an admin's change of role reads and answers: never the password hash, which the role
# admin routes run as (`bookstore_ops`) may not read.
_PUBLIC_COLUMNS = (users.c.id, users.c.email, users.c.full_name, users.c.role, users.c.created_at)


async def lock_public_user(
    session: AsyncSession, *, user_id: uuid.UUID | None = None, email: str | None = None
) -> Any | None:
    """The account's public columns, row-locked until the transaction ends, by id or by
    (normalised) email."""
    found = users.c.id == user_id if user_id is not None else func.lower(users.c.email) == email
    result = await session.execute(select(*_PUBLIC_COLUMNS).where(found).with_for_update())
    return result.one_or_none()


async def set_role(session: AsyncSession, *, user_id: uuid.UUID, role: Role) -> Any:
    result = await session.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(role=role, updated_at=func.now())
        .returning(*_PUBLIC_COLUMNS)
    )
    return result.one()


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


AttemptKind = Literal["login_failure", "registration"]


@dataclass(frozen=True, slots=True)
class AttemptCounts:
    """What the throttle reads before an attempt, all at the database's `now`."""

    now: datetime
    # The email's consecutive failures (None: no row, nothing to reset) and its lock.
    failures: int | None
    locked_until: datetime | None
    # The source address's attempts of one kind within the window, and the oldest of them.
    from_address: int
    oldest_from_address: datetime | None


async def count_attempts(
    session: AsyncSession,
    *,
    email_digest: bytes | None,
    kind: AttemptKind,
    source_ip: str | None,
    window: timedelta,
) -> AttemptCounts:
    """One round trip. `email_digest` None: no account to check; `source_ip` None: no address."""
    lockout = login_lockouts.c.email_digest == email_digest
    recent = (
        auth_attempts.c.kind == kind,
        auth_attempts.c.source_ip == source_ip,
        auth_attempts.c.created_at > func.now() - window,
    )
    columns: list[Any] = [func.now().label("now")]
    if email_digest is not None:
        columns += [
            select(login_lockouts.c.failures).where(lockout).scalar_subquery().label("failures"),
            select(login_lockouts.c.locked_until).where(lockout).scalar_subquery().label("locked"),
        ]
    else:
        columns += [literal(None).label("failures"), literal(None).label("locked")]
    if source_ip is not None:
        columns += [
            select(func.count()).where(*recent).scalar_subquery().label("attempts"),
            select(func.min(auth_attempts.c.created_at))
            .where(*recent)
            .scalar_subquery()
            .label("oldest"),
        ]
    else:
        columns += [literal(0).label("attempts"), literal(None).label("oldest")]
    connection = await session.connection()
    row = (await connection.execute(select(*columns))).one()
    return AttemptCounts(
        now=row.now,
        failures=row.failures,
        locked_until=row.locked,
        from_address=int(row.attempts),
        oldest_from_address=row.oldest,
    )


async def record_attempt(session: AsyncSession, *, kind: AttemptKind, source_ip: str) -> None:
    connection = await session.connection()
    await connection.execute(
        insert(auth_attempts).values(id=new_id(), kind=kind, source_ip=source_ip)
    )


async def count_login_failure(
    session: AsyncSession,
    *,
    email_digest: bytes,
    max_failures: int,
    lockout_seconds: float,
    max_lockout_seconds: float,
) -> datetime | None:
    """Adds one consecutive failure to the email, atomically (concurrent failures each count),
    and locks it from the `max_failures`th on, for a window that doubles with each lock-out.
    Returns the end of the lock it now has, if any."""
    failures = login_lockouts.c.failures + 1
    locks = failures >= max_failures
    lockouts = case((locks, login_lockouts.c.lockouts + 1), else_=login_lockouts.c.lockouts)
    window = func.least(lockout_seconds * func.power(2, lockouts - 1), max_lockout_seconds)
    first_locks = max_failures <= 1
    statement = (
        upsert(login_lockouts)
        .values(
            email_digest=email_digest,
            failures=1,
            lockouts=int(first_locks),
            locked_until=func.now() + timedelta(seconds=lockout_seconds) if first_locks else None,
        )
        .on_conflict_do_update(
            index_elements=[login_lockouts.c.email_digest],
            set_={
                "failures": failures,
                "lockouts": lockouts,
                "locked_until": case(
                    (locks, func.now() + func.make_interval(0, 0, 0, 0, 0, 0, window)),
                    else_=login_lockouts.c.locked_until,
                ),
                "updated_at": func.now(),
            },
        )
        .returning(login_lockouts.c.locked_until)
    )
    connection = await session.connection()
    locked_until: datetime | None = (await connection.execute(statement)).scalar_one()
    return locked_until


async def forget_login_failures(session: AsyncSession, *, email_digest: bytes) -> None:
    connection = await session.connection()
    await connection.execute(
        delete(login_lockouts).where(login_lockouts.c.email_digest == email_digest)
    )


async def delete_attempt_records_before(session: AsyncSession, *, cutoff: datetime) -> int:
    """Attempts older than `cutoff`, and lock-outs last changed before it (long since lifted)."""
    connection = await session.connection()
    attempts = await connection.execute(
        delete(auth_attempts).where(auth_attempts.c.created_at < cutoff)
    )
    lockouts = await connection.execute(
        delete(login_lockouts).where(login_lockouts.c.updated_at < cutoff)
    )
    return int(attempts.rowcount or 0) + int(lockouts.rowcount or 0)
