"""Direct invocations of the Users function, outside API Gateway.

- `{"action": "promote-admin", "email": "..."}` (an operator) makes an already registered account an
  admin. No password ever travels in the payload.
- `{"action": "purge-expired-refresh-tokens"}` (the daily schedule in template.yaml) deletes
  refresh tokens that expired more than a day ago: every refresh adds a row, and an expired token
  is refused whatever its row says.

API Gateway cannot send such an event: its events always carry a `requestContext`, and a client
controls only what is inside it and the body.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from functions.users import repository, service
from functions.users.emails import normalise_email
from shared.db.transaction import transaction
from shared.lambda_handler import process_event_loop
from shared.observability import logger

PROMOTE_ADMIN = "promote-admin"
PURGE_EXPIRED_REFRESH_TOKENS = "purge-expired-refresh-tokens"
# Expired rows are kept a little while so a reused token still reads as "expired" in the logs.
PURGE_GRACE = timedelta(days=1)


def is_operator_action(event: Any) -> bool:
    return isinstance(event, dict) and "action" in event and "requestContext" not in event


@logger.inject_lambda_context(clear_state=True)
def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action = event.get("action")
    if action == PURGE_EXPIRED_REFRESH_TOKENS:
        return process_event_loop().run_until_complete(purge_expired_refresh_tokens())
    if action != PROMOTE_ADMIN:
        return _failure(
            "UNKNOWN_ACTION",
            f"unknown action {action!r}: use {PROMOTE_ADMIN!r} or {PURGE_EXPIRED_REFRESH_TOKENS!r}",
        )
    email = event.get("email")
    try:
        normalised = normalise_email(email) if isinstance(email, str) else None
    except ValueError:
        normalised = None
    if normalised is None:
        return _failure("VALIDATION_ERROR", "'email' must be an email address")
    return process_event_loop().run_until_complete(promote_admin(normalised))


async def promote_admin(email: str) -> dict[str, Any]:
    async with transaction() as session:
        result = await service.promote_to_admin(session, email=email)
    if result is None:
        return _failure("USER_NOT_FOUND", "no account has this email: register it first")
    user, changed = result
    logger.info("promote-admin", user_id=str(user.id), changed=changed)
    return {"ok": True, "user_id": str(user.id), "role": user.role, "changed": changed}


async def purge_expired_refresh_tokens() -> dict[str, Any]:
    cutoff = datetime.now(UTC) - PURGE_GRACE
    async with transaction() as session:
        deleted = await repository.delete_refresh_tokens_expired_before(session, cutoff=cutoff)
    logger.info("expired refresh tokens purged", deleted=deleted)
    return {"ok": True, "deleted": deleted}


def _failure(code: str, detail: str) -> dict[str, Any]:
    logger.warning("operator action refused", code=code)
    return {"ok": False, "code": code, "detail": detail}
