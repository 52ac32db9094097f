"""Limits on guessing passwords and on registering, after OWASP's authentication guidance.

Counted in PostgreSQL, since Lambda environments share no memory:
- per email tried (known or not, so a lock-out tells nothing about which have accounts): after
  `AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT` consecutive failures its logins are refused, right
  password or wrong, for `AUTH_LOCKOUT_SECONDS`, a window that doubles with each new lock-out up
  to an hour; a successful login resets it. One locked email locks out no other.
- per source address (API Gateway's `sourceIp`, never a header the client sets): failed logins
  within 15 minutes, registrations within an hour (off in development unless set).

A refused attempt costs one read and no password hash: the check runs before the account is
even looked up, so refusing a known and an unknown email takes the same time.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from functions.users import repository
from functions.users.caller import Caller
from functions.users.errors import TooManyAttemptsError
from shared.observability.log import logger
from shared.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

FAILED_LOGIN_WINDOW = timedelta(minutes=15)
REGISTRATION_WINDOW = timedelta(hours=1)
MAX_LOCKOUT_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class LoginCheck:
    """What a login that was let through must know afterwards."""

    email_digest: bytes
    # A row of failures exists: a success must reset it.
    has_failures: bool


def email_digest(email: str) -> bytes:
    return hashlib.sha256(email.encode()).digest()


def email_reference(digest: bytes) -> str:
    """Enough of the digest to correlate log lines about one email, never the email."""
    return digest.hex()[:16]


async def check_login(session: AsyncSession, *, email: str, caller: Caller) -> LoginCheck:
    """Raises `TooManyAttemptsError` when the email is locked or the address is over its limit."""
    settings = get_settings()
    digest = email_digest(email)
    limit = settings.failed_logins_per_ip_limit
    counts = await repository.count_attempts(
        session,
        email_digest=digest,
        kind="login_failure",
        source_ip=caller.source_ip if limit is not None else None,
        window=FAILED_LOGIN_WINDOW,
    )
    retry_after: float | None = None
    reason = ""
    if counts.locked_until is not None and counts.locked_until > counts.now:
        retry_after, reason = (counts.locked_until - counts.now).total_seconds(), "account locked"
    elif limit is not None and counts.from_address >= limit:
        retry_after = _window_left(counts.oldest_from_address, FAILED_LOGIN_WINDOW, counts.now)
        reason = "address over its limit"
    if retry_after is not None:
        logger.warning(
            "login refused: too many attempts",
            reason=reason,
            email_ref=email_reference(digest),
            **caller.log_fields(),
        )
        raise TooManyAttemptsError(retry_after)
    return LoginCheck(email_digest=digest, has_failures=counts.failures is not None)


async def login_failed(
    session: AsyncSession, *, check: LoginCheck, caller: Caller, user_id: uuid.UUID | None
) -> None:
    """Counts the failure against the email and the address. The caller keeps these writes
    although it answers 401 (`commit_on_error`)."""
    settings = get_settings()
    locked_until = await repository.count_login_failure(
        session,
        email_digest=check.email_digest,
        max_failures=settings.auth_max_failed_logins_per_account,
        lockout_seconds=settings.auth_lockout_seconds,
        max_lockout_seconds=MAX_LOCKOUT_SECONDS,
    )
    await repository.record_attempt(session, kind="login_failure", source_ip=caller.source_ip)
    logger.warning(
        "login failed",
        user_id=str(user_id) if user_id else None,
        email_ref=email_reference(check.email_digest),
        locked_until=locked_until.isoformat() if locked_until else None,
        **caller.log_fields(),
    )


async def login_succeeded(session: AsyncSession, *, check: LoginCheck) -> None:
    if check.has_failures:
        await repository.forget_login_failures(session, email_digest=check.email_digest)


async def check_registration(session: AsyncSession, *, caller: Caller) -> None:
    """Raises `TooManyAttemptsError` when the address registered too often; else records the
    attempt (kept although the registration fails: `commit_on_error`)."""
    limit = get_settings().registrations_per_ip_limit
    if limit is not None:
        counts = await repository.count_attempts(
            session,
            email_digest=None,
            kind="registration",
            source_ip=caller.source_ip,
            window=REGISTRATION_WINDOW,
        )
        if counts.from_address >= limit:
            logger.warning("registration refused: too many attempts", **caller.log_fields())
            raise TooManyAttemptsError(
                _window_left(counts.oldest_from_address, REGISTRATION_WINDOW, counts.now)
            )
    await repository.record_attempt(session, kind="registration", source_ip=caller.source_ip)


def _window_left(oldest: datetime | None, window: timedelta, now: datetime) -> float:
    """Seconds until the oldest attempt in the window leaves it, and one more attempt fits."""
    if oldest is None:
        return window.total_seconds()
    return (oldest + window - now).total_seconds()
