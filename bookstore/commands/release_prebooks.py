"""`bookstore release-prebooks`: run the prebook release job once, as its schedule would."""

from __future__ import annotations

import json
from typing import Any

from bookstore.database import configured_database_url
from bookstore.events import scheduled_event
from bookstore.lambda_context import LocalLambdaContext


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "release-prebooks",
        help="turn the pending prebooks of released books into orders, once",
        description="Invokes the Prebooks function's handler with an EventBridge scheduled "
        "event, against DATABASE_URL (or the embedded dev database when it is unset), and prints "
        "its summary: books seen, prebooks fulfilled, prebooks left pending.",
    )
    parser.set_defaults(handler=run)


def run(arguments: Any) -> int:
    configured_database_url()
    from functions.prebooks.app import handler

    context = LocalLambdaContext(function_name="Prebooks", timeout_seconds=900)
    result = handler(scheduled_event("prebook-release"), context)
    print(json.dumps(result, indent=2))
    return 0 if result.get("ok") else 1
