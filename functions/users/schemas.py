from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.users.emails import MAX_LENGTH, MAX_LOCAL_LENGTH, normalise_email
from shared.auth.roles import Role
from shared.http.schema_fields import omittable

# The addresses `normalise_email` accepts, as three patterns that must all match, so the OpenAPI
# document states the rule exactly (one pattern would need lookaheads, which test-data generators
# and clients cannot follow): the shape, with spaces or tabs around it; a local part of at most 64
# characters; at most 254 characters besides the spaces and tabs.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERNS = (
    rf"^[ \t]*{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}[ \t]*$",
    rf"^[ \t]*[^@]{{1,{MAX_LOCAL_LENGTH}}}@",
    rf"^[ \t]*[^ \t]{{1,{MAX_LENGTH}}}[ \t]*$",
)
# Room for spaces and tabs around the longest address.
MAX_EMAIL_INPUT_LENGTH = MAX_LENGTH + 64
_EMAIL_CHECKS = tuple(re.compile(pattern) for pattern in EMAIL_PATTERNS)
EMAIL_RULE = (
    "An email address: ASCII, a local part of at most 64 characters without quoting, a domain of "
    "DNS labels ending in a letters-only top-level domain, at most 254 characters. Spaces and tabs "
    "around it are trimmed and it is lower-cased."
)


def _email_patterns(value: str) -> str:
    # fullmatch, not search: in Python `$` also matches before a final newline, in JSON Schema not.
    shape, local_part, length = _EMAIL_CHECKS
    if shape.fullmatch(value) and local_part.match(value) and length.fullmatch(value):
        return value
    raise PydanticCustomError("email", "Not a valid email address")


Email = Annotated[
    str,
    Field(max_length=MAX_EMAIL_INPUT_LENGTH),
    AfterValidator(_email_patterns),
    AfterValidator(normalise_email),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_EMAIL_INPUT_LENGTH,
            "allOf": [{"pattern": pattern} for pattern in EMAIL_PATTERNS],
            "description": EMAIL_RULE,
            "examples": ["ann@example.org"],
        },
        mode="validation",
    ),
]
NewPassword = Annotated[str, Field(min_length=8, max_length=128, description="8 to 128 characters")]
# At login any length up to the maximum is merely wrong, never a hint about the rules.
Password = Annotated[str, Field(min_length=1, max_length=128)]
# 1 to 100 characters that start and end with neither a space nor a control character, with no
# control character between, and any spaces around them, which are trimmed: one pattern states it
# all, so the document and the validator cannot disagree on a blank or padded name.
FULL_NAME_PATTERN = (
    r"^ *[^ \x00-\x1f\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]{0,98}[^ \x00-\x1f\x7f-\x9f])? *$"
)


def _trimmed(name: str) -> str:
    return name.strip(" ")


FullName = Annotated[
    str,
    Field(
        pattern=FULL_NAME_PATTERN,
        description="1 to 100 characters, no control characters; spaces around it are trimmed",
        examples=["Ann Example"],
    ),
    AfterValidator(_trimmed),
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
        description="The new password; needs `current_password` when the account has one",
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


class AccountPublic(UserPublic):
    """The caller's own account, with how it can sign in."""

    sign_in_methods: list[str] = Field(
        description='`"password"` when the account has one, and the name of each sign-in '
        "provider it is linked to (`google`), sorted"
    )

    @classmethod
    def of(cls, user: UserPublic, *, has_password: bool, providers: list[str]) -> AccountPublic:
        methods = sorted({*providers, *(["password"] if has_password else [])})
        return cls(**user.model_dump(), sign_in_methods=methods)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth 2 token type
    expires_in: int = Field(description="Lifetime of the access token, in seconds")


class PublicKey(BaseModel):
    """A public key that verifies access tokens, as a JWK (RFC 7517, 7518)."""

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: str
    y: str
    kid: str = Field(description="The key id access tokens name in their header")
    alg: Literal["ES256"] = "ES256"
    use: Literal["sig"] = "sig"


class PublicKeySet(BaseModel):
    keys: list[PublicKey] = Field(
        description="The current key first; after a rotation, the previous one too while tokens "
        "it signed may be valid"
    )
