"""Login, refresh and logout: the token pair's life cycle.

Each login starts a family of refresh tokens. Every refresh revokes the presented token and issues
its successor in the same family. Presenting a token that was already revoked means it was copied,
or raced: either way the whole family is revoked, so whoever holds the newest token must log in
again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NoReturn

from functions.users import passwords, repository, throttling
from functions.users.caller import Caller
from functions.users.errors import (
    ExpiredRefreshTokenError,
    InvalidCredentialsError,
    InvalidRefreshTokenError,
)
from functions.users.refresh_tokens import new_refresh_token, token_digest
from functions.users.schemas import TokenPair
from shared.auth.tokens import create_access_token
from shared.db.ids import new_id
from shared.db.models import User
from shared.db.transaction import commit_on_error
from shared.observability.log import logger
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def login(session: AsyncSession, *, email: str, password: str, caller: Caller) -> TokenPair:
    # Before the account is looked up or any hash computed: a refusal costs one read.
    check = await throttling.check_login(session, email=email, caller=caller)
    user = await repository.get_user_by_email(session, email=email)
    if user is None:
        # Same Argon2 cost as a wrong password, so timing does not tell which emails exist.
        passwords.verify_dummy(password)
        await _failed(session, check=check, caller=caller)
    valid, upgraded_hash = passwords.verify_and_update(password, user.password_hash)
    if not valid or not user.is_active:
        await _failed(session, check=check, caller=caller, user_id=user.id)
    await throttling.login_succeeded(session, check=check)
    if upgraded_hash is not None:
        user.password_hash = upgraded_hash
        logger.info("password hash upgraded", user_id=str(user.id))
    logger.info("login succeeded", user_id=str(user.id))
    return start_login(session, user=user)


def start_login(session: AsyncSession, *, user: User) -> TokenPair:
    """The token pair of a new login: the first token of a new refresh-token family."""
    return _issue_pair(session, user=user, family_id=new_id())


async def _failed(
    session: AsyncSession,
    *,
    check: throttling.LoginCheck,
    caller: Caller,
    user_id: uuid.UUID | None = None,
) -> NoReturn:
    await throttling.login_failed(session, check=check, caller=caller, user_id=user_id)
    # The answer is 401, which would roll the transaction back: the failure must count.
    commit_on_error(session)
    raise InvalidCredentialsError()


async def refresh(session: AsyncSession, *, refresh_token: str) -> TokenPair:
    now = datetime.now(UTC)
    stored = await repository.lock_refresh_token(session, digest=token_digest(refresh_token))
    if stored is None:
        raise InvalidRefreshTokenError()
    if stored.revoked_at is not None:
        await _revoke_family_despite_401(session, family_id=stored.family_id, now=now)
        logger.warning(
            "revoked refresh token presented: family revoked",
            user_id=str(stored.user_id),
            family_id=str(stored.family_id),
        )
        raise InvalidRefreshTokenError()
    if stored.expires_at <= now:
        raise ExpiredRefreshTokenError()
    user = await repository.get_user(session, user_id=stored.user_id)
    if user is None or not user.is_active:
        await _revoke_family_despite_401(session, family_id=stored.family_id, now=now)
        raise InvalidRefreshTokenError()
    stored.revoked_at = now
    return _issue_pair(session, user=user, family_id=stored.family_id, now=now)


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    """Ends the login the token belongs to. Unknown or already revoked tokens are no error."""
    await repository.revoke_family_of(
        session, digest=token_digest(refresh_token), now=datetime.now(UTC)
    )


def _issue_pair(
    session: AsyncSession, *, user: User, family_id: uuid.UUID, now: datetime | None = None
) -> TokenPair:
    settings = get_settings()
    refresh_token = new_refresh_token()
    repository.add_refresh_token(
        session,
        user_id=user.id,
        family_id=family_id,
        digest=token_digest(refresh_token),
        expires_at=(now or datetime.now(UTC)) + timedelta(days=settings.refresh_token_expire_days),
    )
    access_token, expires_in = create_access_token(user.id, user.role)
    return TokenPair(access_token=access_token, refresh_token=refresh_token, expires_in=expires_in)


async def _revoke_family_despite_401(
    session: AsyncSession, *, family_id: uuid.UUID, now: datetime
) -> None:
    # The request answers 401, which would roll the transaction back: this revocation must stand.
    await repository.revoke_family(session, family_id=family_id, now=now)
    commit_on_error(session)
