"""The work of the Users function's operator actions (`functions.users.operator_actions` imports
this module on the first action: it writes through the ORM session, requests that read do not)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from functions.users import repository, service
from functions.users.oidc import repository as identities
from shared.db.access import ACCOUNTS, OPERATIONS
from shared.db.transaction import transaction
from shared.observability.log import logger
from shared.runtime.operator_actions import ActionFailed


async def promote_admin(email: str) -> dict[str, Any]:
    async with transaction(OPERATIONS) as session:
        result = await service.promote_to_admin(session, email=email)
    if result is None:
        raise ActionFailed("USER_NOT_FOUND", "no account has this email: register it first")
    user, changed = result
    logger.info("promote-admin", user_id=str(user.id), changed=changed)
    return {"ok": True, "user_id": str(user.id), "role": user.role, "changed": changed}


async def purge_refresh_tokens_expired_before(
    cutoff: datetime, *, attempts_cutoff: datetime
) -> dict[str, Any]:
    """Also the throttle's records older than `attempts_cutoff`, far past every window."""
    async with transaction(ACCOUNTS) as session:
        deleted = await repository.delete_refresh_tokens_expired_before(session, cutoff=cutoff)
        attempts = await repository.delete_attempt_records_before(session, cutoff=attempts_cutoff)
        # Unfinished sign-ins with a provider, and one-time sign-in codes never redeemed.
        sign_ins = await identities.delete_expired(session, now=datetime.now(UTC))
    logger.info(
        "expired refresh tokens purged",
        deleted=deleted,
        attempt_records=attempts,
        sign_ins=sign_ins,
    )
    return {
        "ok": True,
        "deleted": deleted,
        "attempt_records_deleted": attempts,
        "sign_ins_deleted": sign_ins,
    }
