"""Two identical PUTs racing from separate processes (Lambda environments) add one entry.

Both requests are queued behind a lock on the user's row that the test holds (adding an entry
checks its user key), so both really are inside their transactions at once when it is released.
"""

from __future__ import annotations

import json
from multiprocessing.pool import Pool

from tests.support.accounts import Account, make_book
from tests.support.races import race
from tests.wishlist import workers
from tests.wishlist.helpers import stored_entries

RACERS = 2


def test_two_identical_puts_at_once_answer_one_201_and_one_200_with_one_entry(
    process_pool: Pool, database_url: str, customer: Account
) -> None:
    book = make_book(database_url)
    answers: list[tuple[int, str]] = race(
        database_url,
        hold=("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", customer.id),
        start=lambda: [
            process_pool.apply_async(workers.add, (database_url, customer.token, book))
            for _ in range(RACERS)
        ],
        waiters=RACERS,
    )

    assert sorted(status for status, _ in answers) == [200, 201], answers
    bodies = [json.loads(body) for _, body in answers]
    assert bodies[0] == bodies[1]
    assert stored_entries(database_url) == 1
