"""A compiled read binds what its caller names, and refuses to run without a value it needs."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, bindparam, select

from shared.db.compiled import CompiledStatement
from shared.db.tables.books import books

READ = CompiledStatement(
    select(books.c.id)
    .where(books.c.stock >= bindparam("least", 1, type_=Integer()))
    .limit(bindparam("limit", type_=Integer())),
    precompile=False,
)


def test_a_value_written_into_the_statement_is_kept_unless_given(database_url: str) -> None:
    assert READ.arguments({"limit": 5})[1] == [1, 5]
    assert READ.arguments({"limit": 5, "least": 3})[1] == [3, 5]


def test_a_parameter_without_a_written_value_must_be_given(database_url: str) -> None:
    # Left out (or misspelt), it would bind NULL: LIMIT NULL reads every row.
    with pytest.raises(KeyError, match="limit"):
        READ.arguments({"limt": 5})
