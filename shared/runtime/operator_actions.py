"""Direct invocations of a function, outside API Gateway: operator actions and scheduled jobs.

Such an event is `{"action": "<name>", ...}`: an operator's `aws lambda invoke`, or an EventBridge
Scheduler schedule with that input. API Gateway cannot send it: its events always carry a
`requestContext`, and a client controls only what is inside it and the body. Each action is an
async function of the event and the Lambda context that answers a JSON-able dict
(`{"ok": true, ...}`); it opens its own transaction with `shared.db.transaction.transaction(access)`, acting for the
role the work needs (`shared.db.access`).

An action that cannot do its work raises (`ActionFailed` when it knows why), so the invocation
fails: an operator's `aws lambda invoke` shows the error, and a schedule's failure reaches
Lambda's Errors metric, its retries and its dead-letter queue, and the `JobFailures` metric
emitted here, which the stack's alarms watch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from shared.observability.log import logger
from shared.observability.metrics import emit_metrics
from shared.runtime.handler import LambdaHandler, run_on_process_loop

Action = Callable[[dict[str, Any], Any], Awaitable[dict[str, Any]]]

JOB_FAILURES_METRIC = "JobFailures"


class ActionFailed(Exception):
    """An action that could not do its work, with a code and a sentence for the operator."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def is_operator_action(event: Any) -> bool:
    return isinstance(event, dict) and "action" in event and "requestContext" not in event


def with_operator_actions(
    serve_http: LambdaHandler, actions: Mapping[str, Action]
) -> LambdaHandler:
    """One handler for both: API Gateway events go to `serve_http`, direct invocations to
    `actions`."""

    @logger.inject_lambda_context(clear_state=True)
    def run_action(event: dict[str, Any], context: Any) -> dict[str, Any]:
        name = event.get("action")
        action = actions.get(name) if isinstance(name, str) else None
        try:
            if action is None:
                known = ", ".join(repr(known) for known in actions)
                raise ActionFailed("UNKNOWN_ACTION", f"unknown action {name!r}: use one of {known}")
            # The same loop as HTTP requests: the pooled connections are bound to it.
            return run_on_process_loop(action(event, context))
        except Exception as error:
            # Only known names become a metric dimension: anyone who may invoke could send any.
            _report_failure(name if action is not None else "unknown", error)
            raise

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if is_operator_action(event):
            return run_action(event, context)
        return serve_http(event, context)

    return handler


def _report_failure(action: Any, error: Exception) -> None:
    if isinstance(error, ActionFailed):
        logger.error("action failed", action=action, code=error.code, detail=error.detail)
    else:
        logger.exception("action failed", action=action, error=type(error).__name__)
    emit_metrics({JOB_FAILURES_METRIC: 1}, dimensions={"action": str(action)})
