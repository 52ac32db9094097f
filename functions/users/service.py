"""Accounts: registration, changes to the caller's own profile, and what admins may change.

Reading an account or the list of accounts is sessionless, in `functions.users.reads`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from functions.users import passwords, repository, throttling
from functions.users.caller import Caller
from functions.users.errors import (
    CurrentPasswordMissingError,
    EmailTakenError,
    UserNotFoundError,
    WrongCurrentPasswordError,
)
from functions.users.oidc import repository as identities
from functions.users.schemas import AccountPublic, UserPublic, UserRegister, UserUpdateMe
from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.db.integrity import constraint_errors
from shared.db.models import User
from shared.db.transaction import commit_on_error
from shared.domain.errors import AccountUnavailableError
from shared.observability.log import logger

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# Another registration of the same email may commit between our check and our insert.
_EMAIL_TAKEN = {repository.EMAIL_UNIQUE_INDEX: EmailTakenError}


async def register(session: AsyncSession, *, data: UserRegister, caller: Caller) -> UserPublic:
    await throttling.check_registration(session, caller=caller)
    if await repository.get_user_by_email(session, email=data.email) is not None:
        # The attempt counts against the address although the answer is 409.
        commit_on_error(session)
        raise EmailTakenError()
    return await create_user(
        session,
        email=data.email,
        full_name=data.full_name,
        password=data.password,
        role="customer",
    )


async def create_user(
    session: AsyncSession, *, email: str, full_name: str, password: str, role: Role
) -> UserPublic:
    with constraint_errors(_EMAIL_TAKEN):
        user = await repository.add_user(
            session,
            email=email,
            full_name=full_name,
            password_hash=passwords.hash_password(password),
            role=role,
        )
    logger.info("user registered", user_id=str(user.id), role=role)
    return UserPublic.model_validate(user)


async def update_me(
    session: AsyncSession, *, principal: Principal, data: UserUpdateMe
) -> AccountPublic:
    user = await _active_user(session, principal)
    if data.password is not None:
        # An account made by signing in with a provider sets its first password without one.
        if user.has_password:
            if data.current_password is None:
                raise CurrentPasswordMissingError()
            valid, _ = passwords.verify_and_update(data.current_password, user.password_hash)
            if not valid:
                raise WrongCurrentPasswordError()
        user.password_hash = passwords.hash_password(data.password)
        user.has_password = True
        await repository.revoke_user_tokens(session, user_id=user.id, now=datetime.now(UTC))
        logger.info("password changed: refresh tokens revoked", user_id=str(user.id))
    if data.full_name is not None:
        user.full_name = data.full_name
    await session.flush()
    return AccountPublic.of(
        UserPublic.model_validate(user),
        has_password=user.has_password,
        providers=await identities.providers_of(session, user_id=user.id),
    )


async def set_role(
    session: AsyncSession, *, user_id: uuid.UUID, role: Role, by: Principal
) -> UserPublic:
    user = await repository.lock_public_user(session, user_id=user_id)
    if user is None:
        raise UserNotFoundError()
    if user.role != role:
        user = await repository.set_role(session, user_id=user_id, role=role)
        logger.info("role changed", user_id=str(user.id), role=role, by=str(by.user_id))
    return UserPublic.model_validate(user)


async def promote_to_admin(session: AsyncSession, *, email: str) -> tuple[UserPublic, bool] | None:
    """The account and whether it changed; None when no account has this email."""
    user = await repository.lock_public_user(session, email=email)
    if user is None:
        return None
    changed = user.role != "admin"
    if changed:
        user = await repository.set_role(session, user_id=user.id, role="admin")
    return UserPublic.model_validate(user), changed


async def _active_user(session: AsyncSession, principal: Principal) -> User:
    """The caller's account. A valid token whose account is gone or disabled is no longer valid."""
    user = await repository.get_user(session, user_id=principal.user_id)
    if user is None or not user.is_active:
        raise AccountUnavailableError()
    return user
