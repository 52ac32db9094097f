"""Idempotent checkout: what an `Idempotency-Key` remembers, and when a retry may replay it.

A key is remembered with the fingerprint of the cart lines its checkout consumed and the answer it
gave, in the checkout's own transaction (a failed checkout remembers nothing). A retry with the key
replays that answer when the cart is empty (as the first checkout left it) or holds the very same
lines again; any other lines mean the key is being reused for a different purchase.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain.checkout import LineRequest

KEY_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class RememberedKey:
    """A key as its checkout left it."""

    user_id: uuid.UUID
    key: str
    fingerprint: str
    order_id: uuid.UUID
    response_status: int
    response_body: dict[str, Any]
    created_at: datetime


def fingerprint(lines: Sequence[LineRequest]) -> str:
    canonical = ";".join(
        f"{line.book_id}:{line.quantity}" for line in sorted(lines, key=lambda line: line.book_id)
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_expired(record: RememberedKey, now: datetime) -> bool:
    return record.created_at <= now - KEY_LIFETIME


def replays(record: RememberedKey, lines: Sequence[LineRequest]) -> bool:
    return not lines or fingerprint(lines) == record.fingerprint
