from __future__ import annotations

import multiprocessing
import time

from sqlalchemy.engine import make_url

from functions.users.refresh_tokens import token_digest
from tests.support.lambda_client import LambdaClient
from tests.users.db import RowLock, lock_waiters
from tests.users.helpers import signed_up
from tests.users.processes import refresh_in_fresh_process


def test_two_concurrent_refreshes_of_one_token_never_both_succeed(
    client: LambdaClient, database_url: str
) -> None:
    pair = signed_up(client)
    database = make_url(database_url).database
    assert database is not None
    # Hold the token's row so both refreshes are inside their transactions, past any check made
    # without a lock, before either may go on.
    held = RowLock(
        database_url,
        "SELECT 1 FROM refresh_tokens WHERE token_hash = $1",
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
            while lock_waiters(database_url, database) < 2:
                assert time.monotonic() < deadline, "both refreshes should wait on the row lock"
                assert not any(result.ready() for result in pending), "a refresh did not wait"
                time.sleep(0.05)
            held.release()
            answers = sorted((result.get(timeout=60) for result in pending), key=lambda a: a[0])
    finally:
        held.release()

    assert [status for status, _ in answers] == [200, 401]
    # The loser presented the token the winner had just revoked: that is reuse, so the login ends
    # and the winner's new token is revoked too.
    winner = answers[0][1]
    after = client.post("/auth/refresh", json_body={"refresh_token": winner["refresh_token"]})
    assert after.status_code == 401
