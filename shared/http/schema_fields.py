"""Request-schema building blocks more than one function needs."""

from __future__ import annotations

from typing import Any

from pydantic import Field


def not_nullable(schema: dict[str, Any]) -> None:
    """Describe a `X | None = None` field whose None only means "not sent" as plain `X`: the
    OpenAPI document must not offer a null the validator refuses."""
    branches = [branch for branch in schema.pop("anyOf", []) if branch != {"type": "null"}]
    if len(branches) == 1:
        schema.update({**branches[0], **schema})
    schema.pop("default", None)


def omittable(**field: Any) -> Any:
    """A field that may be left out of a PATCH body but not sent as null."""
    return Field(default=None, json_schema_extra=not_nullable, **field)


def whole_number(value: Any) -> Any:
    """For `BeforeValidator` on a strict integer: JSON Schema's `integer` is any number without a
    fraction, 5.0 included, so a client generated from the schema may send one; it is accepted as
    the integer it is. Fractions, strings and booleans stay refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
