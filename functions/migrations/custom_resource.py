"""The CloudFormation custom-resource protocol, answered on every path.

CloudFormation waits for a PUT to the pre-signed ResponseURL. If none arrives, the stack hangs until
the resource's ServiceTimeout. So: answer on success, on failure (with a readable reason), on Delete
(without touching data), and, from a timer, shortly before this function itself would time out.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from shared.observability.log import logger

PHYSICAL_RESOURCE_ID = "bookstore-schema-migrations"
_SAFETY_MARGIN_MS = 10_000
_MAX_REASON = 3_000
_DELIVERY_ATTEMPTS = 3
_DELIVERY_TIMEOUT_SECONDS = 10
_RETRY_PAUSE_SECONDS = 1.0


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
        if deliver(self._event["ResponseURL"], body):
            logger.info("custom resource response sent", status=status)
        return True


def deliver(
    url: str,
    body: dict[str, Any],
    *,
    attempts: int = _DELIVERY_ATTEMPTS,
    pause_seconds: float | None = None,
) -> bool:
    """PUT the response, retrying what S3 and networks do now and then (a 5xx, a reset).

    Never raises: a migration that worked must not be reported as failed because its answer
    could not be delivered. The log is then the only witness, so it says what CloudFormation
    will do (the URL is not logged: it is a pre-signed credential)."""
    for attempt in range(1, attempts + 1):
        try:
            put_response(url, body)
            return True
        except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
            logger.warning(
                "custom resource response not delivered", attempt=attempt, error=str(error)[:200]
            )
        if attempt < attempts:
            time.sleep((_RETRY_PAUSE_SECONDS if pause_seconds is None else pause_seconds) * attempt)
    logger.error(
        "CloudFormation was never told the outcome; the stack waits until the resource's "
        "ServiceTimeout, then fails",
        status=body["Status"],
        attempts=attempts,
    )
    return False


def put_response(url: str, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is CloudFormation's pre-signed https URL
        url,
        data=payload,
        method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(payload))},
    )
    with urllib.request.urlopen(request, timeout=_DELIVERY_TIMEOUT_SECONDS) as response:  # noqa: S310
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
