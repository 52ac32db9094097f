"""Statements sent straight on a session's driver connection (`session_writer`, as the checkout
sends its own) belong to the session's transaction, and a lost connection leaves the session
able to roll back, on a connection the pool will not lend again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.compiled import CompiledStatement, session_writer
from shared.db.faults import DatabaseUnavailableError
from shared.db.ids import new_id
from shared.db.integrity import constraint_errors
from shared.errors import AppError
from tests.support.databases import connect

ADD_EVENT = CompiledStatement(
    text(
        "INSERT INTO outbox_events (id, type, payload) VALUES (:id, 'WriterProbe', '{}')"
    ).bindparams(bindparam("id", type_=Uuid())),
    precompile=False,
)


class ProbeExists(AppError):
    status_code = 409
    default_code = "PROBE_EXISTS"
    default_detail = "That probe exists already"


async def events_with_id(database_url: str, event_id: uuid.UUID) -> int:
    connection = await connect(database_url)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM outbox_events WHERE id = $1", event_id
        )
        return count
    finally:
        await connection.close()


async def test_a_write_sent_before_any_statement_of_the_session_rolls_back_with_it(
    database_url: str, db_session: AsyncSession
) -> None:
    # The driver begins the session's transaction with its first statement; sent first, this
    # write would have committed on its own.
    event_id = new_id()
    writer = await session_writer(db_session)
    await writer.execute(ADD_EVENT, id=event_id)
    assert await events_with_id(database_url, event_id) == 0  # not committed yet

    await db_session.rollback()

    assert await events_with_id(database_url, event_id) == 0


async def test_a_write_on_the_driver_commits_with_the_session(
    database_url: str, db_session: AsyncSession
) -> None:
    event_id = new_id()
    await db_session.execute(text("SELECT 1"))
    await (await session_writer(db_session)).execute(ADD_EVENT, id=event_id)

    await db_session.commit()

    assert await events_with_id(database_url, event_id) == 1


async def test_a_constraint_the_driver_reports_maps_to_its_domain_error_by_name(
    db_session: AsyncSession,
) -> None:
    event_id = new_id()
    writer = await session_writer(db_session)
    await writer.execute(ADD_EVENT, id=event_id)

    with pytest.raises(ProbeExists), constraint_errors({"pk_outbox_events": ProbeExists}):
        await writer.execute(ADD_EVENT, id=event_id)


async def test_a_lost_connection_is_unavailable_and_the_session_still_rolls_back(
    database_url: str, db_session: AsyncSession
) -> None:
    writer = await session_writer(db_session)
    pooled = await (await db_session.connection()).get_raw_connection()
    driver = pooled.driver_connection
    assert driver is not None
    driver.terminate()  # the socket closed under it, as a network drop does

    with pytest.raises(DatabaseUnavailableError):
        await writer.execute(ADD_EVENT, id=new_id())

    assert not pooled.is_valid
    await db_session.rollback()  # skips the dead connection rather than failing on it
    assert (await db_session.execute(text("SELECT 1"))).scalar_one() == 1  # on a new one


async def test_one_writer_serves_a_transaction_and_the_next_transaction_gets_its_own(
    db_session: AsyncSession,
) -> None:
    first = await session_writer(db_session)
    assert await session_writer(db_session) is first

    await db_session.commit()

    assert await session_writer(db_session) is not first
