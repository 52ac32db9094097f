"""The CloudFormation custom-resource protocol, answered on every path.

CloudFormation waits for a PUT to the pre-signed ResponseURL. If none arrives, the stack hangs until
the resource's ServiceTimeout. So: answer on success, on failure (with a readable reason), on Delete
(without touching data), and, from a timer, shortly before this function itself would time out.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

from shared.observability import logger

PHYSICAL_RESOURCE_ID = "bookstore-schema-migrations"
_SAFETY_MARGIN_MS = 10_000
_MAX_REASON = 3_000


class Responder:
    """Sends exactly one response, whichever of the work and the deadline timer comes first."""

    def __init__(self, event: dict[str, Any], context: Any) -> None:
        self._event = event
        self._context = context
        self._lock = threading.Lock()
        self._sent = False

    def send(self, status: str, reason: str = "", data: dict[str, Any] | None = None) -> bool:
        with self._lock:
            if self._sent:
                return False
            self._sent = True
        body = {
            "Status": status,
            "Reason": _reason(reason, self._context),
            "PhysicalResourceId": self._event.get("PhysicalResourceId") or PHYSICAL_RESOURCE_ID,
            "StackId": self._event["StackId"],
            "RequestId": self._event["RequestId"],
            "LogicalResourceId": self._event["LogicalResourceId"],
            "NoEcho": False,
            "Data": data or {},
        }
        put_response(self._event["ResponseURL"], body)
        logger.info("custom resource response sent", status=status)
        return True


def put_response(url: str, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is CloudFormation's pre-signed https URL
        url,
        data=payload,
        method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(payload))},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def handle(
    event: dict[str, Any], context: Any, migrate: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    responder = Responder(event, context)
    timer = _deadline_timer(responder, context)
    request_type = event.get("RequestType")
    try:
        if request_type == "Delete":
            # Deleting the stack (or replacing this resource) must never drop the data.
            responder.send("SUCCESS", "Delete: nothing to do, the schema is left as it is")
        elif request_type in {"Create", "Update"}:
            data = migrate()
            responder.send("SUCCESS", f"{request_type}: schema at {data.get('Revision')}", data)
        else:
            responder.send("FAILED", f"Unknown RequestType {request_type!r}")
    except Exception as error:
        logger.exception("migration failed")
        responder.send("FAILED", f"Migration failed: {type(error).__name__}: {error}")
    finally:
        if timer is not None:
            timer.cancel()
    return {"RequestType": request_type}


def _deadline_timer(responder: Responder, context: Any) -> threading.Timer | None:
    remaining_ms = getattr(context, "get_remaining_time_in_millis", lambda: None)()
    if remaining_ms is None:
        return None
    delay = max(remaining_ms - _SAFETY_MARGIN_MS, 0) / 1000

    def give_up() -> None:
        logger.error("migration did not finish before the function timeout")
        responder.send(
            "FAILED", "Migration did not finish before the Migrations function timed out"
        )

    timer = threading.Timer(delay, give_up)
    timer.daemon = True
    timer.start()
    return timer


def _reason(reason: str, context: Any) -> str:
    log_stream = getattr(context, "log_stream_name", None)
    if log_stream:
        reason = f"{reason} (log stream {log_stream})"
    return reason[:_MAX_REASON]
