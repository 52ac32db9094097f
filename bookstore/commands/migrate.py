"""`bookstore migrate [current | upgrade [REV] | downgrade REV]`, through the Migrations handler."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bookstore.database import configured_database_url
from bookstore.lambda_context import LocalLambdaContext


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="show or change the schema revision of the configured database",
        description="Runs the Migrations function's handler against DATABASE_URL "
        "(or the embedded dev database when it is unset).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("current", help="print the database's revision and the head")
    upgrade = actions.add_parser("upgrade", help="upgrade to REV (default: head)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = actions.add_parser("downgrade", help="downgrade to REV ('base', '-1', a revision)")
    downgrade.add_argument("revision")
    parser.set_defaults(handler=run, action="current", revision=None)


def run(arguments: argparse.Namespace) -> int:
    configured_database_url()
    from functions.migrations.app import handler

    event = {"action": arguments.action, "revision": arguments.revision}
    result = handler(event, LocalLambdaContext(function_name="Migrations", timeout_seconds=900))
    print(json.dumps(result, indent=2))
    return 0
