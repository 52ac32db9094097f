"""Direct invocations of the Users function (see `shared.operator_actions`).

- `{"action": "promote-admin", "email": "..."}` (an operator) makes an already registered account an
  admin. No password ever travels in the payload.
- `{"action": "purge-expired-refresh-tokens"}` (the daily schedule in template.yaml) deletes
  refresh tokens that expired more than a day ago: every refresh adds a row, and an expired token
  is refused whatever its row says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from functions.users.emails import normalise_email
from shared.lazy import lazy_import
from shared.observability import logger
from shared.operator_actions import Action, failure

# Both actions write through the ORM: imported by the first action, not at the function's start-up.
if TYPE_CHECKING:
    from functions.users import repository, service
    from shared.db import transaction as transactions
else:
    repository = lazy_import("functions.users.repository")
    service = lazy_import("functions.users.service")
    transactions = lazy_import("shared.db.transaction")

PROMOTE_ADMIN = "promote-admin"
PURGE_EXPIRED_REFRESH_TOKENS = "purge-expired-refresh-tokens"
# Expired rows are kept a little while so a reused token still reads as "expired" in the logs.
PURGE_GRACE = timedelta(days=1)


async def promote_admin(event: dict[str, Any], context: Any) -> dict[str, Any]:
    email = event.get("email")
    try:
        normalised = normalise_email(email) if isinstance(email, str) else None
    except ValueError:
        normalised = None
    if normalised is None:
        return failure("VALIDATION_ERROR", "'email' must be an email address")
    async with transactions.transaction() as session:
        result = await service.promote_to_admin(session, email=normalised)
    if result is None:
        return failure("USER_NOT_FOUND", "no account has this email: register it first")
    user, changed = result
    logger.info("promote-admin", user_id=str(user.id), changed=changed)
    return {"ok": True, "user_id": str(user.id), "role": user.role, "changed": changed}


async def purge_expired_refresh_tokens(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cutoff = datetime.now(UTC) - PURGE_GRACE
    async with transactions.transaction() as session:
        deleted = await repository.delete_refresh_tokens_expired_before(session, cutoff=cutoff)
    logger.info("expired refresh tokens purged", deleted=deleted)
    return {"ok": True, "deleted": deleted}


ACTIONS: dict[str, Action] = {
    PROMOTE_ADMIN: promote_admin,
    PURGE_EXPIRED_REFRESH_TOKENS: purge_expired_refresh_tokens,
}
