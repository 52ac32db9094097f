"""`bookstore seed [--count N]`: migrate the configured database and load the sample catalog."""

from __future__ import annotations

import argparse
from typing import Any

from bookstore.database import configured_database_url
from bookstore.seed import DEFAULT_COUNT, seed_catalog


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "seed",
        help="load a realistic sample catalog (idempotent)",
        description="Upgrades DATABASE_URL (or the embedded dev database when it is unset) to the "
        "latest schema, then upserts the sample books by ISBN: running it again adds nothing.",
    )
    parser.add_argument(
        "--count", type=int, default=DEFAULT_COUNT, help=f"books to load (default {DEFAULT_COUNT})"
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    if arguments.count < 1:
        raise SystemExit("--count must be at least 1")
    configured_database_url()
    from functions.migrations import runner

    runner.run("upgrade")
    loaded = seed_catalog(count=arguments.count)
    print(f"{loaded} sample books are in the catalog")
    return 0
