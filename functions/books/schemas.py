"""Request and response bodies of the Books function."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from functions.books.isbn import InvalidIsbnError, normalise_isbn
from shared.domain.money import MONEY_RULE, MoneyIn, MoneyOut
from shared.http.schema_fields import omittable, whole_number

MAX_STOCK = 2_147_483_647  # PostgreSQL integer


def _storable(value: str) -> str:
    # PostgreSQL text holds neither NUL nor lone surrogates; refusing them here keeps them from
    # turning into a database error.
    if "\x00" in value:
        raise PydanticCustomError("text", "Text may not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("text", "Text must be valid Unicode") from None
    return value


# ISBN-13 (978 or 979 first) or ISBN-10 (its last character a digit or X), with any spaces and
# hyphens before, between and after. The check digit, which no pattern can state, is the custom
# format `isbn`.
ISBN_PATTERN = (
    r"^[ -]*(?:9[ -]*7[ -]*[89](?:[ -]*[0-9]){10}|[0-9](?:[ -]*[0-9]){8}[ -]*[0-9Xx])[ -]*$"
)
_ISBN_SHAPE = re.compile(ISBN_PATTERN)


def _isbn(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("isbn", "ISBN must be a string")
    # fullmatch, not search: in Python `$` also matches before a final newline, in JSON Schema not.
    if not _ISBN_SHAPE.fullmatch(value):
        raise PydanticCustomError(
            "isbn",
            "Invalid ISBN: 13 digits starting with 978 or 979, or 9 digits and a digit or X, "
            "and nothing else but spaces and hyphens",
        )
    try:
        return normalise_isbn(value)
    except InvalidIsbnError as error:
        raise PydanticCustomError(
            "isbn", "Invalid ISBN: {reason}", {"reason": str(error)}
        ) from None


_STORABLE = AfterValidator(_storable)


Isbn = Annotated[
    str,
    BeforeValidator(_isbn),
    WithJsonSchema(
        {
            "type": "string",
            "format": "isbn",
            "pattern": ISBN_PATTERN,
            "examples": ["978-0-261-10221-7", "0261102214"],
        },
        mode="validation",
    ),
]
# Plain `Annotated` aliases, as in the other schemas: a `type` statement would make each one a
# named definition in the OpenAPI document.
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), _STORABLE
]
Author = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _STORABLE
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=0, max_length=10_000), _STORABLE
]
Genre = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), _STORABLE
]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    # Only the string the schema promises: no day numbers (0 is not 1970-01-01), no datetimes.
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "Date must be a string YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_format", "Date must be a real day YYYY-MM-DD") from None


Stock = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_STOCK,
        strict=True,
        description="A whole number (5 or 5.0); fractions, strings and booleans are refused",
    ),
    BeforeValidator(whole_number),
]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class BookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    isbn: Isbn = Field(description="ISBN-13, or ISBN-10 (stored as ISBN-13); check digit verified")
    title: Title
    author: Author
    description: Description = ""
    genre: Genre
    price: MoneyIn = Field(description="Price as " + MONEY_RULE)
    stock: Stock = 0
    release_date: IsoDate | None = Field(default=None, description="Null means already released")


class BookUpdate(BaseModel):
    """Only the fields sent are changed; `release_date` may be set to null, the others may not."""

    model_config = ConfigDict(extra="forbid")
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"release_date"})

    isbn: Isbn | None = omittable()
    title: Title | None = omittable()
    author: Author | None = omittable()
    description: Description | None = omittable()
    genre: Genre | None = omittable()
    price: MoneyIn | None = omittable(description="Price as " + MONEY_RULE)
    stock: Stock | None = omittable()
    release_date: IsoDate | None = Field(default=None, description="Null means already released")

    @field_validator("isbn", "title", "author", "description", "genre", "price", "stock")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError("not_null", "This field may be changed but not set to null")
        return value

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class BookPublic(BaseModel):
    id: uuid.UUID
    isbn: str = Field(description="ISBN-13")
    title: str
    author: str
    description: str
    genre: str
    price: MoneyOut
    stock: int
    release_date: date | None
    available: bool = Field(
        description="Released (no release date, or not in the future), stock > 0"
    )
    created_at: datetime
    updated_at: datetime
