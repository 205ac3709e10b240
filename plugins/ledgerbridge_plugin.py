"""The Airflow plugin of ledgerbridge, on the api-server under ``/ledgerbridge``:

- Intuit's Disconnect and Reconnect landing pages and the OAuth callback (``ledgerbridge.intuit_pages``), public;
- the operator's page, the latest runs and the open exception queue (``ledgerbridge.ui``), behind the api-server's
  authentication, linked from the UI's nav (Browse -> ledgerbridge);
- the nightly timetable (``ledgerbridge.timetables``), which Airflow requires a plugin to register.

Listed as an exception in plugins/.airflowignore."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from ledgerbridge.intuit_pages import app
from ledgerbridge.timetables import NightlyTimetable
from ledgerbridge.ui import EXTERNAL_VIEW, create_router

app.include_router(create_router())


class LedgerbridgePlugin(AirflowPlugin):
    name = "ledgerbridge"
    fastapi_apps = [{"app": app, "url_prefix": "/ledgerbridge", "name": "ledgerbridge pages"}]
    external_views = [EXTERNAL_VIEW]
    timetables = [NightlyTimetable]
