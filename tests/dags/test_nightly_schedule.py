"""nightly_alignment's schedule: 02:00 UTC, and no run of a night that passed while the DAG was paused (so
triggering it from the UI with "unpause on trigger" starts only the operator's run)."""

from __future__ import annotations

import datetime as dt

from airflow.timetables.base import DataInterval, TimeRestriction

from ledgerbridge.timetables import NightlyTimetable

START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def test_unpausing_schedules_the_next_night_not_the_one_missed():
    now = dt.datetime.now(dt.timezone.utc)
    table = NightlyTimetable("0 2 * * *")
    first = table.next_dagrun_info(last_automated_data_interval=None,
                                   restriction=TimeRestriction(earliest=START, latest=None, catchup=False))
    assert first is not None and first.run_after > now - dt.timedelta(minutes=10)
    assert first.run_after <= now + dt.timedelta(days=1) and (first.run_after.hour, first.run_after.minute) == (2, 0)

    # paused for a week after its last scheduled run: still the next night, not last night's
    week_ago = (now - dt.timedelta(days=7)).replace(hour=2, minute=0, second=0, microsecond=0)
    later = table.next_dagrun_info(last_automated_data_interval=DataInterval(week_ago, week_ago),
                                   restriction=TimeRestriction(earliest=START, latest=None, catchup=False))
    assert later is not None and later.run_after == first.run_after


def test_catchup_and_a_just_passed_night_keep_airflows_behaviour():
    table = NightlyTimetable("0 2 * * *")
    catchup = table.next_dagrun_info(last_automated_data_interval=None,
                                     restriction=TimeRestriction(earliest=START, latest=None, catchup=True))
    assert catchup is not None and catchup.run_after == START.replace(hour=2)


def test_the_timetable_survives_airflows_serialisation():
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable

    table = NightlyTimetable("0 2 * * *", grace=dt.timedelta(minutes=3))
    back = decode_timetable(encode_timetable(table))
    assert isinstance(back, NightlyTimetable) and back.grace == dt.timedelta(minutes=3)
    assert back.serialize() == table.serialize()
