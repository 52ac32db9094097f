"""Money in the API: decimal strings with two places, never floats (API.md)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_PRICE = Decimal("99999999.99")
MONEY_PATTERN = r"^\d{1,8}(\.\d{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)
CENTS = Decimal("0.01")
MONEY_RULE = (
    'a decimal string with at most two places, 0.00 to 99999999.99: "12.99", "12.5" and "12" are '
    "accepted (and answered as two places); JSON numbers, signs and exponents are refused"
)


def parse_money(value: Any) -> Decimal:
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise PydanticCustomError("money", "Price must be " + MONEY_RULE)
    return Decimal(value).quantize(CENTS)


def format_money(value: Decimal) -> str:
    return f"{value:.2f}"


_MONEY_SCHEMA = {"type": "string", "pattern": MONEY_PATTERN, "examples": ["12.99"]}
MoneyIn = Annotated[
    Decimal, BeforeValidator(parse_money), WithJsonSchema(_MONEY_SCHEMA, mode="validation")
]
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["12.99"]}, mode="serialization"),
]
