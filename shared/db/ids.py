"""Row ids."""

from __future__ import annotations

import uuid

from uuid6 import uuid7


def new_id() -> uuid.UUID:
    """A time-ordered UUID (v7): ids sort by creation time and index well."""
    return uuid.UUID(bytes=uuid7().bytes)
