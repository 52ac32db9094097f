"""Scheduled invocations of the Prebooks function (see `shared.runtime.operator_actions`).

- `{"action": "release-prebooks"}` (its schedule, hourly by default: `PrebookReleaseSchedule`, or
  an operator): the release job (`functions.prebooks.release`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.domain.availability import today
from shared.runtime.deadline import deadline_of
from shared.runtime.lazy import lazy_import
from shared.runtime.operator_actions import Action

# The job runs on ORM sessions and the shared checkout: imported on its first run, so an HTTP
# cold start does not pay for them.
if TYPE_CHECKING:
    from functions.prebooks import release as release_job
else:
    release_job = lazy_import("functions.prebooks.release")

RELEASE_PREBOOKS = "release-prebooks"


async def release(event: dict[str, Any], context: Any) -> dict[str, Any]:
    summary = await release_job.release_due_prebooks(
        today=today(),
        deadline=deadline_of(context, margin_seconds=release_job.SAFETY_MARGIN_SECONDS),
    )
    return {"ok": True, **summary.as_dict()}


ACTIONS: dict[str, Action] = {RELEASE_PREBOOKS: release}
