"""Domain events, written to the outbox in the transaction of the change they describe.

The event is a row of `outbox_events`, so it commits or rolls back with the change. Once the
transaction has committed, the events it recorded are published (see `shared.events`); a publish
that fails, or a process that dies before it, leaves them for the scheduled drain.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

from shared.db.compiled import CompiledStatement, inserting, json_text, session_writer
from shared.db.ids import new_id
from shared.db.tables.outbox import outbox_events
from shared.db.transaction import after_commit
from shared.domain.money import format_money
from shared.events.publisher import publish_pending

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

type JSONValue = bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None

EVENT_ID = "event_id"
MAX_EVENT_TYPE_LENGTH = 64  # the column's width

_RECORDED = "bookstore.outbox_recorded"
# Without RETURNING: a customer's transaction may add events but read none (row-level security
# does not cover the outbox, so its role has no SELECT on it). On the driver, as the checkout's
# other writes (`shared.domain.checkout`).
_INSERT_EVENT = CompiledStatement(inserting(outbox_events, "id", "type", "payload"))


async def record_event(
    session: AsyncSession, *, event_type: str, detail: Mapping[str, Any]
) -> uuid.UUID:
    """Add an event to the outbox and answer its id (also the detail's `event_id`).

    Flushes, never commits. However many events a transaction records, one publish runs after
    it commits, for those events only; a rolled-back transaction leaves no row and sends nothing.

    The detail becomes plain JSON here, not when it is sent: a value that cannot be serialised
    fails the business transaction (and its tests) instead of leaving an event that can never go
    out, and the row holds exactly the detail every retry will send. UUIDs become strings,
    Decimals money strings with two places ("12.99"), datetimes ISO 8601 in UTC (a naive one is
    refused: its zone is unknown), dates ISO 8601, enums their value. A mapping with non-string
    keys, a non-finite number or any other type raises TypeError or ValueError.
    """
    (event_id,) = await record_events(session, [(event_type, detail)])
    return event_id


async def record_events(
    session: AsyncSession, events: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[uuid.UUID]:
    """`record_event` for each (type, detail), in one flush: one INSERT for a batch of events."""
    rows: list[dict[str, Any]] = []
    for event_type, detail in events:
        if not 0 < len(event_type) <= MAX_EVENT_TYPE_LENGTH:
            raise ValueError(f"event_type must be 1 to {MAX_EVENT_TYPE_LENGTH} characters")
        if EVENT_ID in detail:
            raise ValueError(f"the outbox sets {EVENT_ID!r}; the detail must not")
        event_id = new_id()
        payload = _json_object(detail, "detail")
        payload[EVENT_ID] = str(event_id)
        rows.append({"id": event_id, "type": event_type, "payload": json_text(payload)})
    writer = await session_writer(session)
    await writer.executemany(_INSERT_EVENT, rows)
    ids = [row["id"] for row in rows]
    _recorded_in(session).extend(ids)
    return ids


def _recorded_in(session: AsyncSession) -> list[uuid.UUID]:
    """The ids this transaction recorded; the first call arranges their publish after commit."""
    recorded: list[uuid.UUID] | None = session.info.get(_RECORDED)
    if recorded is None:
        recorded = session.info[_RECORDED] = []
        after_commit(session, partial(_publish_recorded, session))
    return recorded


async def _publish_recorded(session: AsyncSession) -> None:
    # Popped, so a session used for another transaction after this commit arranges its own.
    recorded: list[uuid.UUID] = session.info.pop(_RECORDED, [])
    await publish_pending(event_ids=recorded, limit=len(recorded))


def _json_object(value: Mapping[Any, Any], path: str) -> dict[str, JSONValue]:
    result: dict[str, JSONValue] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"{path}: keys must be strings, not {type(key).__name__}")
        result[key] = _json_value(item, f"{path}.{key}")
    return result


def _json_value(value: Any, path: str) -> JSONValue:
    match value:
        case Enum():
            return _json_value(value.value, path)
        case None | bool() | int() | str():
            return value
        case float() if math.isfinite(value):
            return value
        case Decimal() if value.is_finite():
            return format_money(value)
        case uuid.UUID():
            return str(value)
        case datetime() if value.utcoffset() is not None:
            return value.astimezone(UTC).isoformat()
        case datetime():
            raise ValueError(f"{path}: a naive datetime has no time zone; use an aware one")
        case date():
            return value.isoformat()
        case Mapping():
            return _json_object(value, path)
        case list() | tuple():
            return [_json_value(item, f"{path}[{index}]") for index, item in enumerate(value)]
        case float() | Decimal():
            raise ValueError(f"{path}: {value} is not a finite number")
        case _:
            raise TypeError(f"{path}: {type(value).__name__} is not JSON-serialisable")
