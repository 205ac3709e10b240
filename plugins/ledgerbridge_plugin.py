"""The Airflow plugin of ledgerbridge: Intuit's Disconnect and Reconnect landing pages on the api-server, under
``/ledgerbridge`` (``ledgerbridge.intuit_pages``). Listed as an exception in plugins/.airflowignore."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from ledgerbridge.intuit_pages import app


class LedgerbridgePlugin(AirflowPlugin):
    name = "ledgerbridge"
    fastapi_apps = [{"app": app, "url_prefix": "/ledgerbridge", "name": "ledgerbridge Intuit landing pages"}]
