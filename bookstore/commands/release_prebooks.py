"""`bookstore release-prebooks`: run the prebook release job once, as its schedule would."""

from __future__ import annotations

import json
from typing import Any

from bookstore.database import configured_database_url
from bookstore.lambda_context import LocalLambdaContext


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "release-prebooks",
        help="turn the pending prebooks of released books into orders, once",
        description="Invokes the Prebooks function's handler with its schedule's input, "
        '{"action": "release-prebooks"}, against DATABASE_URL (or the embedded dev database when it is unset), and prints '
        "its summary: books seen, prebooks fulfilled, prebooks left pending.",
    )
    parser.set_defaults(handler=run)


def run(arguments: Any) -> int:
    configured_database_url()
    from functions.prebooks.app import handler

    context = LocalLambdaContext(function_name="Prebooks", timeout_seconds=900)
    # A failed run raises after logging why, as it fails its invocation in Lambda.
    try:
        result = handler({"action": "release-prebooks"}, context)
    except Exception:
        return 1
    print(json.dumps(result, indent=2))
    return 0
