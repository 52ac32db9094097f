from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from functions.users.emails import MAX_LENGTH, normalise_email
from shared.roles import Role
from shared.schema_fields import omittable

Email = Annotated[
    str,
    Field(max_length=MAX_LENGTH + 64, examples=["ann@example.org"]),
    AfterValidator(normalise_email),
]
NewPassword = Annotated[str, Field(min_length=8, max_length=128, description="8 to 128 characters")]
# At login any length up to the maximum is merely wrong, never a hint about the rules.
Password = Annotated[str, Field(min_length=1, max_length=128)]
FullName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$"
    ),
    Field(description="1 to 100 characters, no control characters", examples=["Ann Example"]),
]
RefreshTokenValue = Annotated[str, Field(min_length=1, max_length=256)]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserRegister(RequestModel):
    email: Email
    password: NewPassword
    full_name: FullName


class UserLogin(RequestModel):
    email: Email
    password: Password


class RefreshRequest(RequestModel):
    refresh_token: RefreshTokenValue


class UserUpdateMe(RequestModel):
    full_name: FullName | None = omittable()
    password: NewPassword | None = omittable(
        description="The new password; needs `current_password`",
    )
    current_password: Password | None = omittable()

    @field_validator("full_name", "password", "current_password", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("omit the field instead of sending null")
        return value


class UserRoleUpdate(RequestModel):
    role: Role


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth 2 token type
    expires_in: int = Field(description="Lifetime of the access token, in seconds")
