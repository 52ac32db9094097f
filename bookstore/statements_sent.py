"""What a piece of code sends to the database, in order: for the tests and benchmarks that check a
path's statements (which ones, how many, which one locks), whichever way each is sent.

The functions send statements two ways: through SQLAlchemy, and straight on the pooled driver
connection (`shared.db.compiled`). Both are recorded here; BEGIN and COMMIT are not, on either.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_TRANSACTION_COMMANDS = ("BEGIN;", "COMMIT;", "ROLLBACK;")


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """The list fills with the SQL of every statement run on `engine`'s connections in the block.

    The driver reports a statement once it has answered, SQLAlchemy before sending it: the order
    holds for code that awaits each statement before the next, as request paths do."""
    sent: list[str] = []

    def through_sqlalchemy(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        sent.append(statement)

    def on_the_driver(query: Any) -> None:
        if query.query not in _TRANSACTION_COMMANDS:
            sent.append(query.query)

    def attach(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(on_the_driver)

    def detach(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.driver_connection.remove_query_logger(on_the_driver)

    event.listen(engine, "before_cursor_execute", through_sqlalchemy)
    event.listen(engine.pool, "checkout", attach)
    event.listen(engine.pool, "checkin", detach)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", through_sqlalchemy)
        event.remove(engine.pool, "checkout", attach)
        event.remove(engine.pool, "checkin", detach)
