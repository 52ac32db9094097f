"""Direct invocations of the Users function by an operator, outside API Gateway.

`{"action": "promote-admin", "email": "..."}` makes an already registered account an admin. No
password ever travels in the payload. API Gateway cannot send such an event: its events always
carry a `requestContext`, and a client controls only what is inside it and the body.
"""

from __future__ import annotations

from typing import Any

from functions.users import service
from functions.users.emails import normalise_email
from shared.db.engine import get_sessionmaker
from shared.lambda_handler import process_event_loop
from shared.observability import logger

PROMOTE_ADMIN = "promote-admin"


def is_operator_action(event: Any) -> bool:
    return isinstance(event, dict) and "action" in event and "requestContext" not in event


@logger.inject_lambda_context(clear_state=True)
def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    action = event.get("action")
    if action != PROMOTE_ADMIN:
        return _failure("UNKNOWN_ACTION", f"unknown action {action!r}: use {PROMOTE_ADMIN!r}")
    email = event.get("email")
    try:
        normalised = normalise_email(email) if isinstance(email, str) else None
    except ValueError:
        normalised = None
    if normalised is None:
        return _failure("VALIDATION_ERROR", "'email' must be an email address")
    return process_event_loop().run_until_complete(promote_admin(normalised))


async def promote_admin(email: str) -> dict[str, Any]:
    async with get_sessionmaker()() as session, session.begin():
        result = await service.promote_to_admin(session, email)
    if result is None:
        return _failure("USER_NOT_FOUND", "no account has this email: register it first")
    user, changed = result
    logger.info("promote-admin", user_id=str(user.id), changed=changed)
    return {"ok": True, "user_id": str(user.id), "role": user.role, "changed": changed}


def _failure(code: str, detail: str) -> dict[str, Any]:
    logger.warning("operator action refused", code=code)
    return {"ok": False, "code": code, "detail": detail}
