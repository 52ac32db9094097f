"""Accounts: registration, the caller's own profile, and what admins may change."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from functions.users import errors, passwords, repository
from functions.users.schemas import UserPublic, UserRegister, UserUpdateMe
from shared.auth.tokens import Principal, Role
from shared.models import User
from shared.observability import logger
from shared.pagination import InvalidCursorError, Page, PageParams, encode_cursor

EMAIL_INDEX = "uq_users_email_lower"


async def register(session: AsyncSession, data: UserRegister) -> User:
    if await repository.get_user_by_email(session, data.email) is not None:
        raise errors.email_taken()
    return await create_user(
        session,
        email=data.email,
        full_name=data.full_name,
        password=data.password,
        role="customer",
    )


async def create_user(
    session: AsyncSession, *, email: str, full_name: str, password: str, role: Role
) -> User:
    try:
        user = await repository.add_user(
            session,
            email=email,
            full_name=full_name,
            password_hash=passwords.hash_password(password),
            role=role,
        )
    except IntegrityError as error:
        # Another registration of the same email committed between our check and our insert.
        if EMAIL_INDEX in str(error.orig):
            raise errors.email_taken() from None
        raise
    logger.info("user registered", user_id=str(user.id), role=role)
    return user


async def current_account(session: AsyncSession, principal: Principal) -> User:
    """The caller's account. A valid token whose account is gone or disabled is no longer valid."""
    user = await repository.get_user(session, principal.user_id)
    if user is None or not user.is_active:
        raise errors.account_unavailable()
    return user


async def update_me(session: AsyncSession, principal: Principal, data: UserUpdateMe) -> User:
    user = await current_account(session, principal)
    if data.password is not None:
        if data.current_password is None:
            raise errors.current_password_missing()
        valid, _ = passwords.verify_and_update(data.current_password, user.password_hash)
        if not valid:
            raise errors.wrong_current_password()
        user.password_hash = passwords.hash_password(data.password)
        await repository.revoke_user_tokens(session, user.id, datetime.now(UTC))
        logger.info("password changed: refresh tokens revoked", user_id=str(user.id))
    if data.full_name is not None:
        user.full_name = data.full_name
    await session.flush()
    return user


async def list_users(session: AsyncSession, params: PageParams) -> Page[UserPublic]:
    users = await repository.list_users(session, after=_cursor_id(params), limit=params.limit + 1)
    items = [UserPublic.model_validate(user) for user in users[: params.limit]]
    next_cursor = encode_cursor({"id": str(items[-1].id)}) if len(users) > params.limit else None
    return Page[UserPublic](items=items, next_cursor=next_cursor)


async def set_role(session: AsyncSession, user: User, role: Role, *, by: Principal) -> User:
    if user.role != role:
        user.role = role
        await session.flush()
        logger.info("role changed", user_id=str(user.id), role=role, by=str(by.user_id))
    return user


async def promote_to_admin(session: AsyncSession, email: str) -> tuple[User, bool] | None:
    """The account and whether it changed; None when no account has this email."""
    user = await repository.get_user_by_email(session, email)
    if user is None:
        return None
    changed = user.role != "admin"
    user.role = "admin"
    await session.flush()
    return user, changed


def _cursor_id(params: PageParams) -> uuid.UUID | None:
    position = params.decoded_cursor()
    if position is None:
        return None
    try:
        return uuid.UUID(str(position["id"]))
    except (KeyError, ValueError):
        raise InvalidCursorError from None
