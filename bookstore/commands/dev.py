"""`bookstore dev`: serve every HttpApi route of template.yaml on 127.0.0.1:3000 (WIP)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("dev", help="run the API locally through the real handlers")
    parser.add_argument("--port", type=int, default=3000)
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    raise SystemExit("not built yet")
