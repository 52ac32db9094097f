from __future__ import annotations

import multiprocessing
import time
import uuid

from functions.users.refresh_tokens import token_digest
from tests.support.lambda_client import LambdaClient
from tests.support.races import OpenTransaction, lock_waiters
from tests.users.helpers import PASSWORD, signed_up
from tests.users.processes import refresh_in_fresh_process, register_in_fresh_process


def test_two_concurrent_refreshes_of_one_token_never_both_succeed(
    client: LambdaClient, database_url: str
) -> None:
    pair = signed_up(client)
    # Hold the token's row so both refreshes are inside their transactions, past any check made
    # without a lock, before either may go on.
    held = OpenTransaction(database_url)
    held.execute(
        "SELECT 1 FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
        token_digest(pair["refresh_token"]),
    )
    context = multiprocessing.get_context("spawn")
    try:
        with context.Pool(2) as pool:
            pending = [
                pool.apply_async(refresh_in_fresh_process, (database_url, pair["refresh_token"]))
                for _ in range(2)
            ]
            deadline = time.monotonic() + 60
            while lock_waiters(database_url) < 2:
                assert time.monotonic() < deadline, "both refreshes should wait on the row lock"
                assert not any(result.ready() for result in pending), "a refresh did not wait"
                time.sleep(0.05)
            held.rollback()
            answers = sorted((result.get(timeout=60) for result in pending), key=lambda a: a[0])
    finally:
        held.rollback()

    assert [status for status, _ in answers] == [200, 401]
    # The loser presented the token the winner had just revoked: that is reuse, so the login ends
    # and the winner's new token is revoked too.
    winner = answers[0][1]
    after = client.post("/auth/refresh", json_body={"refresh_token": winner["refresh_token"]})
    assert after.status_code == 401


def test_a_registration_racing_another_of_the_same_email_is_409_not_500(
    database_url: str,
) -> None:
    # The other registration has inserted but not committed: ours passes the existence check,
    # then its insert waits on the unique index until the other commits.
    other = OpenTransaction(database_url)
    other.execute(
        "INSERT INTO users (id, email, full_name, password_hash) VALUES ($1, $2, 'First', 'x')",
        uuid.uuid4(),
        "ann@example.org",
    )
    context = multiprocessing.get_context("spawn")
    try:
        with context.Pool(1) as pool:
            body = {"email": "Ann@Example.org", "password": PASSWORD, "full_name": "Second"}
            pending = pool.apply_async(register_in_fresh_process, (database_url, body))
            deadline = time.monotonic() + 60
            while lock_waiters(database_url) < 1:
                assert time.monotonic() < deadline, "the insert should wait on the unique index"
                assert not pending.ready(), pending.get()
                time.sleep(0.05)
            other.commit()
            status, answer = pending.get(timeout=60)
    finally:
        other.rollback()

    assert status == 409
    assert answer["code"] == "AUTH_EMAIL_TAKEN"
