"""`bookstore openapi [--output FILE]`: the whole API's OpenAPI document, merged from every
function's own."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bookstore.openapi import REGENERATE, api_document, render


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "openapi",
        help="print the OpenAPI document of the whole API",
        description="Merges the OpenAPI documents of every HTTP function of template.yaml into "
        "one (paths and schemas united, one operationId per operation) and prints it. The Health "
        f"function serves the copy committed in functions/health/openapi.json: `{REGENERATE}` "
        "after a change to a route or a schema (a test fails until it is done).",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write the document to FILE instead"
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    text = render(api_document())
    if arguments.output is None:
        sys.stdout.write(text)
    else:
        arguments.output.write_text(text, encoding="utf-8")
        print(f"wrote {arguments.output}", file=sys.stderr)
    return 0
