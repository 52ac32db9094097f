"""Lambda SnapStart: costly work done once, before the snapshot; what must not be cloned, redone
after each restore.

With SnapStart (the stack's `SnapStart` parameter), Lambda initializes a function version once,
snapshots its memory, and starts new environments from copies of that snapshot. So:

- before the snapshot: everything costly that every environment would otherwise repeat (the
  app is already built by then, at import time): settings, the modules a function imports only
  on first use (`shared.runtime.lazy`: its write paths, the ORM and its sessions), the models' mapper
  configuration, the hot statements compiled, and one request through the whole handler stack
  (Mangum, middleware, routing, error handling: their lazy set-up). Then nothing that must not be
  cloned is left: no pooled connection, no open socket.
- after each restore: a new random seed (every copy would otherwise draw the same "random"
  numbers), credentials and signing keys read afresh (the snapshot may be days old), an empty
  pool, and the next request counted as a cold start.

The hooks register with the Lambda runtime's `snapshot_restore_py`; where it is not installed
(a plain local run), they are not registered and nothing changes.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

from shared.db.engine import dispose_engine
from shared.observability.log import logger
from shared.runtime.aws_secrets import clear_secret_cache
from shared.runtime.warmup import prepare_everything
from shared.settings import get_settings

WARM_UP_PATH = "/_snapstart/warm-up"


def register_snapstart_hooks(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    run: Callable[[Any], Any],
) -> bool:
    """Register the hooks for `handler` (run: how to run a coroutine on the process loop).
    Answers whether the runtime's hook registry was there to register with."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(before_snapshot, handler, run)
    register_after_restore(after_restore, run)
    return True


def before_snapshot(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]], run: Callable[[Any], Any]
) -> None:
    get_settings()
    # What a function puts off until first needed is done now, once, for every copy: the write
    # paths, and with them the ORM and its sessions; every read compiled, every page's
    # serializer built (`shared.runtime.warmup`); then every model's mapper, configured.
    prepare_everything()
    from sqlalchemy.orm import configure_mappers

    import shared.db.models  # noqa: F401

    configure_mappers()
    # A request no route serves: the whole stack runs once, and the database is not touched.
    handler(_warm_up_event(), _SnapshotContext())
    run(dispose_engine())
    logger.info("snapshot prepared")


def after_restore(run: Callable[[Any], Any]) -> None:
    random.seed()
    run(dispose_engine())
    get_settings.cache_clear()
    clear_secret_cache()
    from shared.auth.signing_key import forget_previous_keys

    forget_previous_keys()
    logger.count_next_invocation_as_cold_start()


def _warm_up_event() -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": WARM_UP_PATH,
        "rawQueryString": "",
        "headers": {"host": "snapstart.invalid", "user-agent": "snapstart-warm-up"},
        "requestContext": {
            "http": {
                "method": "GET",
                "path": WARM_UP_PATH,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "snapstart-warm-up",
            },
            "requestId": f"snapstart-{uuid.uuid4()}",
            "routeKey": "$default",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


class _SnapshotContext:
    """What the handler reads of a Lambda context, for the warm-up request."""

    function_name = "snapstart-warm-up"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:snapstart-warm-up"
    memory_limit_in_mb = 512
    aws_request_id = "snapstart-warm-up"
    log_group_name = "snapstart"
    log_stream_name = "snapstart"

    def get_remaining_time_in_millis(self) -> int:
        return 15_000
