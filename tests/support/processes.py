"""Work run in a separate process, the way a second Lambda environment would run it."""

from __future__ import annotations

import os
from typing import Any


def upgrade_in_fresh_process(database_url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    from functions.migrations import runner

    return runner.run("upgrade").as_dict()
