"""Who is calling, as a verified access token says."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.auth.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as the access token says; no database round trip needed."""

    user_id: uuid.UUID
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
