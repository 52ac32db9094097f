"""Scheduled invocations of the Prebooks function (see `shared.operator_actions`).

- An EventBridge scheduled event (hourly by default, `PrebookReleaseSchedule`), or
  `{"action": "release-prebooks"}` by hand: the release job (`functions.prebooks.release`).
"""

from __future__ import annotations

from typing import Any

from functions.prebooks.release import deadline_of, release_due_prebooks
from shared.domain.availability import today
from shared.operator_actions import Action

RELEASE_PREBOOKS = "release-prebooks"


async def release(event: dict[str, Any], context: Any) -> dict[str, Any]:
    summary = await release_due_prebooks(today=today(), deadline=deadline_of(context))
    return {"ok": True, **summary.as_dict()}


ACTIONS: dict[str, Action] = {RELEASE_PREBOOKS: release}
