"""The account a verified ID token signs into.

An account is found by the token's (issuer, `sub`), never by its email alone. A first sign-in
makes a customer with the token's email, or links to the password account that has it, only when
the provider vouches for the email (`email_verified`): an unverified email never signs into, or
takes over, an account.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from functions.users import passwords
from functions.users import repository as users
from functions.users.emails import normalise_email
from functions.users.errors import EmailNotVerifiedError, InvalidIdTokenError
from functions.users.oidc import repository
from functions.users.oidc.config import Provider
from shared.db.integrity import violated_constraint
from shared.db.models import User
from shared.domain.errors import AccountUnavailableError
from shared.observability.log import logger

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

MAX_NAME_LENGTH = 100


async def account_for(session: AsyncSession, provider: Provider, claims: dict[str, Any]) -> User:
    subject = claims["sub"]
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise InvalidIdTokenError()
    user_id = await repository.user_id_of_identity(session, issuer=provider.issuer, subject=subject)
    if user_id is None:
        user = await _first_sign_in(session, provider, subject, claims)
        user_id = await repository.link_identity(
            session,
            user_id=user.id,
            provider=provider.name,
            issuer=provider.issuer,
            subject=subject,
        )
    account = await users.get_user(session, user_id=user_id)
    if account is None or not account.is_active:
        raise AccountUnavailableError()
    return account


async def _first_sign_in(
    session: AsyncSession, provider: Provider, subject: str, claims: dict[str, Any]
) -> User:
    email = _verified_email(claims)
    existing = await users.get_user_by_email(session, email=email)
    if existing is not None:
        logger.info("identity linked", user_id=str(existing.id), provider=provider.name)
        return existing
    # A concurrent first sign-in (or registration) of the same email may commit first: then this
    # one links to that account instead, once the savepoint has undone the failed insert.
    try:
        async with session.begin_nested():
            user = await users.add_user(
                session,
                email=email,
                full_name=_full_name(claims, email),
                # A hash of a secret nobody knows: a password login fails as a wrong one does.
                password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
                has_password=False,
                role="customer",
            )
    except IntegrityError as error:
        raced = await users.get_user_by_email(session, email=email)
        if violated_constraint(error) != users.EMAIL_UNIQUE_INDEX or raced is None:
            raise
        return raced
    logger.info("user registered", user_id=str(user.id), provider=provider.name)
    return user


def _verified_email(claims: dict[str, Any]) -> str:
    # Cognito has sent the claim as the string "true".
    if claims.get("email_verified") not in (True, "true"):
        raise EmailNotVerifiedError()
    email = claims.get("email")
    try:
        return normalise_email(email if isinstance(email, str) else "")
    except ValueError:
        raise EmailNotVerifiedError() from None


def _full_name(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:MAX_NAME_LENGTH]
    return email.partition("@")[0][:MAX_NAME_LENGTH]
