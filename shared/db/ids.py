"""Row ids."""

from __future__ import annotations

import uuid


def new_id() -> uuid.UUID:
    """A time-ordered UUID (v7): ids sort by creation time and index well."""
    # Imported on the first new row, not with every table: reads never make one.
    from uuid6 import uuid7

    return uuid.UUID(bytes=uuid7().bytes)
