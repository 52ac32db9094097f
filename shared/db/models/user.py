"""Accounts and their refresh tokens, mapped onto `shared.db.tables.users`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Mapped

from shared.auth.roles import Role
from shared.db.models.base import Base, Identified, Timestamped
from shared.db.tables.users import refresh_tokens, users


class User(Identified, Timestamped, Base):
    """`email` is stored normalised (trimmed, lower case); `password_hash` is a PHC Argon2id string."""

    __table__ = users

    email: Mapped[str]
    full_name: Mapped[str]
    password_hash: Mapped[str]
    has_password: Mapped[bool]
    role: Mapped[Role]
    is_active: Mapped[bool]


class RefreshToken(Base):
    __table__ = refresh_tokens

    id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID]
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[bytes]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
