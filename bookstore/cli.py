"""`bookstore`: the project's operator and developer commands.

Each command lives in its own module under `bookstore.commands` and exposes
`register(subparsers)`, which adds its parser and sets `handler=` to a function taking the parsed
arguments and answering an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parents[1]

COMMAND_MODULES = (
    "bookstore.commands.bench",
    "bookstore.commands.create_admin",
    "bookstore.commands.dev",
    "bookstore.commands.events",
    "bookstore.commands.lint_migrations",
    "bookstore.commands.migrate",
    "bookstore.commands.openapi",
    "bookstore.commands.release_prebooks",
    "bookstore.commands.scan_template",
    "bookstore.commands.seed",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bookstore", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    # .env configures the commands and the functions they run (workers inherit the environment).
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    arguments = build_parser().parse_args(argv)
    try:
        code = arguments.handler(arguments)
    except Exception as error:
        from bookstore.database import DatabaseUnavailableError, is_unreachable, unreachable_message

        if not is_unreachable(error):
            raise
        # An operator's mistake (server down, wrong port), not a bug: one line, not a traceback.
        message = str(error) if isinstance(error, DatabaseUnavailableError) else None
        print(
            f"bookstore {arguments.command}: {message or unreachable_message(error)}",
            file=sys.stderr,
        )
        sys.exit(2)
    sys.exit(code)
