"""`bookstore events [--all] [--limit N] [--json]`: the outbox of the configured database.

Domain events (OrderPlaced, ...) are written to the outbox in the transaction of their change and
published to EventBridge after it commits. With no EVENT_BUS_NAME (local runs) nothing is
published: the events stay in the outbox, and this lists them, newest first. By default only the
unpublished ones; --all shows published events too, --json prints each event with its full
payload as one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from bookstore.database import configured_database_url, run_on_database

if TYPE_CHECKING:
    from shared.db.models.outbox import OutboxEvent

DEFAULT_LIMIT = 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "events",
        help="list the domain events in the outbox (default: the unpublished ones)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--all", action="store_true", help="published events too")
    parser.add_argument(
        "--limit",
        type=_positive_int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"newest N events (default {DEFAULT_LIMIT})",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per event, with its full payload"
    )
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    configured_database_url()
    events = run_on_database(_newest(include_published=arguments.all, limit=arguments.limit))
    for event in events:
        print(_json_line(event) if arguments.json else _line(event))
    if not events:
        print("no events" if arguments.all else "no unpublished events", file=sys.stderr)
    return 0


async def _newest(*, include_published: bool, limit: int) -> list[OutboxEvent]:
    from sqlalchemy import select

    from shared.db.access import OPERATIONS
    from shared.db.models.outbox import OutboxEvent
    from shared.db.transaction import transaction

    # Ids are time-ordered (v7): newest first is descending id order.
    query = select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit)
    if not include_published:
        query = query.where(OutboxEvent.published_at.is_(None))
    async with transaction(OPERATIONS) as session:
        return list((await session.scalars(query)).all())


def _line(event: OutboxEvent) -> str:
    state = (
        "unpublished"
        if event.published_at is None
        else f"published {event.published_at.isoformat()}"
    )
    line = f"{event.id}  {event.type:<20}  {event.created_at.isoformat()}  {state}  attempts={event.attempts}"
    if event.last_error:
        line += f"  last_error={event.last_error.splitlines()[0][:100]!r}"
    return line


def _json_line(event: OutboxEvent) -> str:
    return json.dumps(
        {
            "id": str(event.id),
            "type": event.type,
            "created_at": event.created_at.isoformat(),
            "published_at": event.published_at.isoformat() if event.published_at else None,
            "attempts": event.attempts,
            "last_error": event.last_error,
            "payload": event.payload,
        },
        ensure_ascii=False,
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
