"""Direct invocations of a function, outside API Gateway: operator actions and scheduled jobs.

Such an event is `{"action": "<name>", ...}` (an operator's `aws lambda invoke`, or an EventBridge
Scheduler schedule with that input), or an EventBridge rule's scheduled event, which runs the
action named for it. API Gateway cannot send either: its events always carry a `requestContext`,
and a client controls only what is inside it and the body. Each action is an async function of
the event and the Lambda context that answers a JSON-able dict (`{"ok": true, ...}` or a
`failure`); it opens its own transaction with `shared.db.transaction.transaction()`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from shared.observability.log import logger
from shared.runtime.handler import LambdaHandler, run_on_process_loop

Action = Callable[[dict[str, Any], Any], Awaitable[dict[str, Any]]]


def is_operator_action(event: Any) -> bool:
    return isinstance(event, dict) and "action" in event and "requestContext" not in event


def is_scheduled_event(event: Any) -> bool:
    """An EventBridge rule's `Scheduled Event` (what `Type: Schedule` in template.yaml sends)."""
    return (
        isinstance(event, dict)
        and event.get("source") == "aws.events"
        and event.get("detail-type") == "Scheduled Event"
        and "requestContext" not in event
    )


def failure(code: str, detail: str) -> dict[str, Any]:
    logger.warning("operator action refused", code=code)
    return {"ok": False, "code": code, "detail": detail}


def with_operator_actions(
    serve_http: LambdaHandler, actions: Mapping[str, Action], *, on_schedule: str | None = None
) -> LambdaHandler:
    """One handler for all: API Gateway events go to `serve_http`, direct invocations to
    `actions`, and an EventBridge scheduled event to the action named `on_schedule`."""
    if on_schedule is not None and on_schedule not in actions:
        raise ValueError(f"on_schedule names no action: {on_schedule!r}")

    @logger.inject_lambda_context(clear_state=True)
    def run_action(event: dict[str, Any], context: Any) -> dict[str, Any]:
        name = on_schedule if is_scheduled_event(event) else event.get("action")
        action = actions.get(name) if isinstance(name, str) else None
        if action is None:
            known = ", ".join(repr(known) for known in actions)
            return failure("UNKNOWN_ACTION", f"unknown action {name!r}: use one of {known}")
        # The same loop as HTTP requests: the pooled connections are bound to it.
        return run_on_process_loop(action(event, context))

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if is_operator_action(event) or (on_schedule is not None and is_scheduled_event(event)):
            return run_action(event, context)
        return serve_http(event, context)

    return handler
