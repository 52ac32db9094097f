"""The roles an account can have: the one place their names are written."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["customer", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
