"""Direct invocations of the Users function (see `shared.runtime.operator_actions`).

- `{"action": "promote-admin", "email": "..."}` (an operator) makes an already registered account an
  admin. No password ever travels in the payload.
- `{"action": "purge-expired-refresh-tokens"}` (the daily schedule in template.yaml) deletes
  refresh tokens that expired more than a day ago: every refresh adds a row, and an expired token
  is refused whatever its row says. It also deletes the login throttle's records untouched for a
  day (`functions.users.throttling`): every window they count in is an hour at most.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from functions.users.emails import normalise_email
from shared.runtime.lazy import lazy_import
from shared.runtime.operator_actions import Action, ActionFailed

if TYPE_CHECKING:
    from functions.users import jobs
else:
    # Both actions write through the ORM: imported by the first action, not at start-up.
    jobs = lazy_import("functions.users.jobs")

PROMOTE_ADMIN = "promote-admin"
PURGE_EXPIRED_REFRESH_TOKENS = "purge-expired-refresh-tokens"
# Expired rows are kept a little while so a reused token still reads as "expired" in the logs.
PURGE_GRACE = timedelta(days=1)
# Longer than every throttle window (an hour), so a lock-out's growth is forgotten after a quiet day.
ATTEMPT_RECORDS_KEPT = timedelta(days=1)


async def promote_admin(event: dict[str, Any], context: Any) -> dict[str, Any]:
    email = event.get("email")
    try:
        normalised = normalise_email(email) if isinstance(email, str) else None
    except ValueError:
        normalised = None
    if normalised is None:
        raise ActionFailed("VALIDATION_ERROR", "'email' must be an email address")
    return await jobs.promote_admin(normalised)


async def purge_expired_refresh_tokens(event: dict[str, Any], context: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return await jobs.purge_refresh_tokens_expired_before(
        now - PURGE_GRACE, attempts_cutoff=now - ATTEMPT_RECORDS_KEPT
    )


ACTIONS: dict[str, Action] = {
    PROMOTE_ADMIN: promote_admin,
    PURGE_EXPIRED_REFRESH_TOKENS: purge_expired_refresh_tokens,
}
