"""The nightly schedule: a cron trigger that never runs a night which passed while the DAG was paused or down.

Airflow's ``CronTriggerTimetable`` with catchup off schedules the latest past cron time the moment a DAG is
unpaused (or the scheduler comes back). For ``nightly_alignment`` that meant: tick "unpause on trigger" in the UI's
trigger form, and the scheduler also started the run of the last 02:00, with no conf; with one active run allowed,
the operator's run waited behind it. ``NightlyTimetable`` keeps every other behaviour of the cron trigger but, with
catchup off, skips a scheduled time more than ``grace`` in the past: the next run is the next 02:00.

Registered by the ledgerbridge plugin (``ledgerbridge.ui.LedgerbridgePlugin.timetables``), as Airflow requires of a
custom timetable, so the scheduler and dag-processor can read it back from the serialized DAG.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction
from airflow.timetables.trigger import CronTriggerTimetable

DEFAULT_GRACE = dt.timedelta(minutes=10)


class NightlyTimetable(CronTriggerTimetable):
    def __init__(self, cron: str, *, timezone: Any = "UTC", grace: dt.timedelta = DEFAULT_GRACE) -> None:
        super().__init__(cron, timezone=timezone, run_immediately=False)
        self.grace = grace
        self.description = f"{cron} ({timezone}), missed nights not run"

    def next_dagrun_info(self, *, last_automated_data_interval: DataInterval | None,
                         restriction: TimeRestriction) -> DagRunInfo | None:
        info = super().next_dagrun_info(last_automated_data_interval=last_automated_data_interval,
                                        restriction=restriction)
        if info is None or restriction.catchup:
            return info
        now = dt.datetime.now(dt.timezone.utc)
        if info.run_after >= now - self.grace:
            return info
        upcoming = self._align_to_next(now)  # a missed night: wait for the next one instead
        if restriction.latest is not None and restriction.latest < upcoming:
            return None
        return DagRunInfo.interval(upcoming - self._interval, upcoming)

    def serialize(self) -> dict[str, Any]:
        return {**super().serialize(), "grace_seconds": self.grace.total_seconds()}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> NightlyTimetable:
        base = CronTriggerTimetable.deserialize(data)
        return cls(data["expression"], timezone=base._timezone,
                   grace=dt.timedelta(seconds=float(data.get("grace_seconds", DEFAULT_GRACE.total_seconds()))))
