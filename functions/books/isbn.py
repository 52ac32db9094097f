"""ISBN normalisation: ISBN-10 or ISBN-13 in (hyphens and spaces allowed), ISBN-13 out."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]+")
_ISBN10 = re.compile(r"\d{9}[\dX]")
_ISBN13 = re.compile(r"97[89]\d{10}")


class InvalidIsbnError(ValueError):
    pass


def isbn13_check_digit(first_twelve: str) -> str:
    total = sum(
        int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first_twelve)
    )
    return str(-total % 10)


def isbn10_check_digit(first_nine: str) -> str:
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(first_nine))
    check = -total % 11
    return "X" if check == 10 else str(check)


def normalise_isbn(value: str) -> str:
    """The ISBN-13 form of `value`, or InvalidIsbnError saying what is wrong with it."""
    compact = _SEPARATORS.sub("", value).upper()
    if len(compact) == 10:
        if not _ISBN10.fullmatch(compact):
            raise InvalidIsbnError("an ISBN-10 is nine digits and a digit or X")
        if isbn10_check_digit(compact[:9]) != compact[9]:
            raise InvalidIsbnError("the ISBN-10 check digit is wrong")
        first_twelve = "978" + compact[:9]
        return first_twelve + isbn13_check_digit(first_twelve)
    if len(compact) == 13:
        if not _ISBN13.fullmatch(compact):
            raise InvalidIsbnError("an ISBN-13 is 13 digits starting with 978 or 979")
        if isbn13_check_digit(compact[:12]) != compact[12]:
            raise InvalidIsbnError("the ISBN-13 check digit is wrong")
        return compact
    raise InvalidIsbnError("an ISBN has 10 or 13 characters besides hyphens and spaces")
