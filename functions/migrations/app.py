"""The Migrations function: a CloudFormation custom resource, or invoked by hand.

By hand: `{"action": "upgrade" | "current" | "downgrade", "revision": "..."}`.
"""

from __future__ import annotations

from typing import Any

from functions.migrations import custom_resource, runner
from shared.observability.log import logger


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if "RequestType" in event and "ResponseURL" in event:
        return custom_resource.handle(event, context, _upgrade_to_head)
    action = event.get("action", "upgrade")
    if action not in {"upgrade", "downgrade", "current"}:
        raise ValueError(f"unknown action {action!r}: use upgrade, downgrade or current")
    result = runner.run(action, event.get("revision"))
    logger.info("migrations run", **result.as_dict())
    return result.as_dict()


def _upgrade_to_head() -> dict[str, Any]:
    result = runner.run("upgrade")
    logger.info("migrations run", **result.as_dict())
    return {"Revision": result.current or "", "Applied": len(result.applied)}
