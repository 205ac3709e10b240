"""The pacer keeps a hook under a ledger's call limits on a fake clock, so a normal run meets no 429."""

from __future__ import annotations

from ledgerbridge.http import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_calls_beyond_the_minute_limit_wait_for_the_window():
    t = FakeTime()
    pacer = Pacer({"any": (60, 60.0)}, clock=t.clock, sleep=t.sleep)
    for _ in range(60):
        pacer.before()
        t.now += 0.1
    assert t.slept == []  # 60 calls in 6 s are allowed
    pacer.before()  # the 61st waits until the first call is a minute old
    assert len(t.slept) == 1 and abs(t.slept[0] - 54.0) < 0.01
    assert abs(pacer.waited - 54.0) < 0.01


def test_several_limits_apply_to_the_kinds_of_call():
    t = FakeTime()
    pacer = Pacer({"any": (500, 60.0), "second": (10, 1.0), "batch": (40, 60.0)}, clock=t.clock, sleep=t.sleep)
    for _ in range(10):
        pacer.before(("any", "second"))
    pacer.before(("any", "second"))  # the 11th call in the same second waits for the next second
    assert t.slept == [1.0]
    for _ in range(40):
        pacer.before(("any", "batch"))
        t.now += 1.01  # keep the per-second limit out of the way
    started = t.now
    pacer.before(("any", "batch"))  # the 41st batch in a minute waits
    assert t.now > started


def test_the_ledger_saying_none_are_left_makes_the_next_call_wait():
    t = FakeTime()
    pacer = Pacer({"any": (60, 60.0)}, clock=t.clock, sleep=t.sleep)
    pacer.before()
    pacer.note_remaining(0, 30.0)  # other workers spent this tenant's minute
    pacer.before()
    assert t.slept == [30.0]
    pacer.note_remaining(5, 60.0)
    pacer.before()
    assert t.slept == [30.0]
