"""Idempotent checkout: what an `Idempotency-Key` remembers, and when a retry may replay it.

A key is remembered with the fingerprint of the cart lines its checkout consumed and the answer it
gave, in the checkout's own transaction (a failed checkout remembers nothing). A retry with the key
replays that answer when the cart is empty (as the first checkout left it) or holds the very same
lines again; any other lines mean the key is being reused for a different purchase.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from shared.db.models import IdempotencyKey
from shared.domain.checkout import LineRequest

KEY_LIFETIME = timedelta(hours=24)


def fingerprint(lines: Sequence[LineRequest]) -> str:
    canonical = ";".join(
        f"{line.book_id}:{line.quantity}" for line in sorted(lines, key=lambda line: line.book_id)
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_expired(record: IdempotencyKey, now: datetime) -> bool:
    return record.created_at <= now - KEY_LIFETIME


def replays(record: IdempotencyKey, lines: Sequence[LineRequest]) -> bool:
    return not lines or fingerprint(lines) == record.fingerprint
