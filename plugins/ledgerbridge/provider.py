"""Provider metadata: registers the ``xero`` and ``quickbooks`` connection types and their form fields in the UI.

Loaded through the ``apache_airflow_provider`` entry point declared in pyproject.toml.
"""

from __future__ import annotations

from typing import Any

_SECRET = {"type": ["string", "null"], "format": "password"}
_TEXT = {"type": ["string", "null"]}
# Extra fields are named without "token", "secret" or "password": Airflow masks (shows as ***) every field whose
# name contains one, and a form saved as shown would store "***". Older connections' ``token_url`` still works.
_OAUTH_URL_HELP = "where refresh tokens are exchanged (the production endpoint unless you use a sandbox)"


def _url(default: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "default": default}


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "ledgerbridge",
        "name": "ledgerbridge",
        "description": "Xero and QuickBooks Online hooks of ledgerbridge",
        "versions": ["0.1.0"],
        "connection-types": [
            {
                "connection-type": "xero",
                "hook-class-name": "xero.hooks.XeroHook",
                "hook-name": "Xero",
                "conn-fields": {
                    "tenant_id": {"label": "Tenant ID", "schema": _TEXT,
                                  "description": "xero-tenant-id of the organisation (GET /connections lists them)"},
                    "refresh_token": {"label": "Refresh token", "schema": _SECRET,
                                      "description": "from the consent flow; ledgerbridge rotates it afterwards"},
                    "grant_type": {"label": "Grant", "schema": {"type": ["string", "null"], "default": "refresh_token",
                                                                 "enum": ["refresh_token", "client_credentials"]},
                                   "description": "client_credentials for a Xero custom connection"},
                    "api_url": {"label": "API base URL", "schema": _url("https://api.xero.com/api.xro/2.0")},
                    "oauth_url": {"label": "OAuth token endpoint",
                                  "schema": _url("https://identity.xero.com/connect/token"),
                                  "description": _OAUTH_URL_HELP},
                    "connections_url": {"label": "Connections URL",
                                        "schema": _url("https://api.xero.com/connections")},
                },
                "ui-field-behaviour": {
                    "hidden-fields": ["schema", "port", "host", "extra"],
                    "relabeling": {"login": "Client ID", "password": "Client secret"},
                    "placeholders": {},
                },
            },
            {
                "connection-type": "quickbooks",
                "hook-class-name": "quickbooks.hooks.QuickBooksHook",
                "hook-name": "QuickBooks Online",
                "conn-fields": {
                    "realm_id": {"label": "Realm ID (company id)", "schema": _TEXT},
                    "refresh_token": {"label": "Refresh token", "schema": _SECRET,
                                      "description": "from the consent flow; ledgerbridge rotates it afterwards"},
                    "api_url": {"label": "API base URL", "schema": _url("https://quickbooks.api.intuit.com")},
                    "oauth_url": {"label": "OAuth token endpoint",
                                  "schema": _url("https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"),
                                  "description": _OAUTH_URL_HELP},
                    "minorversion": {"label": "minorversion", "schema": {"type": ["integer", "null"], "default": 75}},
                },
                "ui-field-behaviour": {
                    "hidden-fields": ["schema", "port", "host", "extra"],
                    "relabeling": {"login": "Client ID", "password": "Client secret"},
                    "placeholders": {},
                },
            },
        ],
    }
