"""Runs Alembic against the configured database, as the Migrations function and the CLI do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

# In the repository and in the built function alike, the scripts sit two levels above this file.
SCRIPT_LOCATION = Path(__file__).resolve().parents[2] / "alembic"

Action = Literal["upgrade", "downgrade", "current"]


@dataclass
class MigrationResult:
    action: Action
    current: str | None
    head: str
    applied: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def alembic_config(scripts: Path = SCRIPT_LOCATION) -> Config:
    config = Config()
    config.set_main_option("script_location", str(scripts))
    return config


def head_revision(scripts: Path = SCRIPT_LOCATION) -> str:
    head = ScriptDirectory.from_config(alembic_config(scripts)).get_current_head()
    if head is None:
        raise RuntimeError("the migrations have no head revision")
    return head


def revision_ids() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def run(
    action: Action, revision: str | None = None, *, scripts: Path = SCRIPT_LOCATION
) -> MigrationResult:
    """`scripts`: the migrations' folder (alembic/, with env.py and versions/)."""
    config = alembic_config(scripts)
    if action == "upgrade":
        command.upgrade(config, revision or "head")
    elif action == "downgrade":
        if not revision:
            raise ValueError("downgrade needs a target revision (for example 'base' or '-1')")
        command.downgrade(config, revision)
    elif action != "current":
        raise ValueError(f"unknown action {action!r}: use upgrade, downgrade or current")
    return MigrationResult(
        action=action,
        current=current_revision(config),
        head=head_revision(scripts),
        applied=list(config.attributes.get("applied", [])),
    )


def current_revision(config: Config | None = None) -> str | None:
    """The database's revision, read through the same env.py, without waiting for a running migration."""
    config = config or alembic_config()
    config.attributes["serialize"] = False
    script = ScriptDirectory.from_config(config)
    heads: list[str] = []

    def capture(rev: Any, context: MigrationContext) -> list[Any]:
        heads.extend(context.get_current_heads())
        return []

    with EnvironmentContext(config, script, fn=capture, dont_mutate=True):
        script.run_env()
    return heads[0] if heads else None
