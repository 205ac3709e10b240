"""How many records of each situation the seeded books hold, and the fixed calendar they live in."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

T = TypeVar("T")

AS_OF = dt.date(2026, 11, 1)
WINDOW_DAYS = 120  # every record is dated in the 120 days before AS_OF
FIRST_DAY = AS_OF - dt.timedelta(days=WINDOW_DAYS)
LAST_DAY = AS_OF - dt.timedelta(days=1)
AS_OF_START = dt.datetime.combine(AS_OF, dt.time(0, 0), tzinfo=dt.timezone.utc)
# from this size on, every situation appears at least once (smaller books hold the main ones only)
FULL_COVERAGE_SIZE = 40
MIN_SIZE = 10


@dataclass(frozen=True)
class Scenario:
    """A situation a record (or a group of ``keys`` records) is in; how often it occurs and its floor."""

    name: str
    rate: float  # share of the entity's records (groups count ``keys`` records each)
    min_small: int  # at least this many groups below FULL_COVERAGE_SIZE
    min_full: int  # at least this many from FULL_COVERAGE_SIZE on
    keys: int = 1


class Weighted(Generic[T]):
    """A fixed weighted choice (cumulative weights computed once: the generator draws millions of these)."""

    def __init__(self, options: Sequence[T], weights: Sequence[float]) -> None:
        self.options = list(options)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.options[bisect.bisect(self.cum, rng.random() * self.total)]


def allocate(table: list[Scenario], total: int, size: int) -> tuple[list[tuple[Scenario, int]], int]:
    """Groups per scenario and the number of records left for plain ones (no special situation)."""
    full = size >= FULL_COVERAGE_SIZE
    out = []
    used = 0
    for sc in table:
        groups = max(sc.min_full if full else sc.min_small, round(sc.rate * total / sc.keys))
        out.append((sc, groups))
        used += groups * sc.keys
    plain = total - used
    if plain < 0:
        raise ValueError(f"{total} records cannot hold the required situations ({used}); use size >= {MIN_SIZE}")
    return out, plain


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def window_day(rng: random.Random, latest: dt.date = LAST_DAY) -> dt.date:
    return day_between(rng, FIRST_DAY, latest)


def stamp(rng: random.Random, day: dt.date, within_days: int = 6) -> dt.datetime:
    """A moment on ``day`` or in the few days after it (office hours, whole seconds), always before AS_OF."""
    moment = dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.timezone.utc) + dt.timedelta(
        days=rng.randrange(within_days + 1), seconds=rng.randrange(10 * 3600))
    if moment >= AS_OF_START:
        moment = AS_OF_START - dt.timedelta(seconds=1 + rng.randrange(12 * 3600))
    return moment
