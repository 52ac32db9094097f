"""Each database step's budget is drawn from the time the invocation has left."""

from __future__ import annotations

import pytest

from shared.runtime.deadline import invocation_deadline, seconds_left, within_budget


def test_outside_an_invocation_a_step_keeps_its_own_limit() -> None:
    assert seconds_left() is None
    assert within_budget(3.0) == 3.0


def test_inside_an_invocation_a_step_gets_no_more_than_is_left_before_the_reserve() -> None:
    with invocation_deadline(remaining_seconds=5.0, reserve_seconds=3.0):
        assert within_budget(1.0) == 1.0
        assert within_budget(8.0) == pytest.approx(2.0, abs=0.1)
    assert seconds_left() is None


def test_past_the_deadline_a_step_gets_nothing_never_a_negative_timeout() -> None:
    with invocation_deadline(remaining_seconds=2.0, reserve_seconds=3.0):
        assert within_budget(3.0) == 0.0
