"""Intuit's mandatory Disconnect and Reconnect URLs, served by the Airflow api-server (``ledgerbridge_plugin``).

Register in the Intuit developer portal (Keys & credentials / Settings of the app):

- Disconnect URL: ``https://<your Airflow>/ledgerbridge/intuit/disconnect``: a person who disconnects the app
  inside QuickBooks is sent here, with ``realmId``. Intuit has already revoked the tokens; the page names the
  company, the Airflow connection(s) holding it and the command that connects it again. It changes nothing: the page
  is reachable without logging in to Airflow, so it must not be able to delete anything. The next refresh of that
  connection is refused (``invalid_grant``), which ``connect status`` shows and the nightly keep-alive alerts on.
- ``https://<your Airflow>/ledgerbridge/oauth/callback``: a redirect URI for apps whose portal accepts only HTTPS
  addresses (Intuit's production keys): register it, run ``connect ... --no-browser --redirect-uri`` with it, and
  paste the address this page shows. The page keeps nothing; the api-server's access log may record the address,
  whose code works once and is spent by the exchange moments later (a code without the client secret is useless).
- Reconnect URL: ``https://<your Airflow>/ledgerbridge/intuit/reconnect``: "Reconnect" in QuickBooks' app list sends
  the person here; the page gives the ``connect`` command for the company's connection (the consent flow runs from
  the machine that holds the app's secret, never from a public page).
"""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse

from ledgerbridge.tokens import TokenStore, connect_command

log = logging.getLogger(__name__)

app = FastAPI(title="ledgerbridge: Intuit landing pages", docs_url=None, redoc_url=None, openapi_url=None)


def _connections(realm_id: str | None) -> list[dict[str, Any]]:
    if not realm_id:
        return []
    try:
        rows = TokenStore().health()
    except Exception as exc:  # noqa: BLE001 - the page still helps without the database
        log.warning("intuit landing page: the token store could not be read (%s)", type(exc).__name__)
        return []
    return [r for r in rows if r["ledger"] == "quickbooks" and r["company_id"] == realm_id]


def _page(title: str, intro: str, realm_id: str | None) -> HTMLResponse:
    rows = _connections(realm_id)
    if rows:
        items = "".join(
            f"<li><strong>{html.escape(r['company_name'] or r['company_id'])}</strong> (realm "
            f"{html.escape(r['company_id'])}), Airflow connection <code>{html.escape(r['conn_id'])}</code>: "
            f"<pre>{html.escape(connect_command('quickbooks', r['conn_id']))}</pre></li>" for r in rows)
        body = f"<ul id=\"connections\">{items}</ul>"
    else:
        body = ("<p id=\"connections\">No ledgerbridge connection holds this company. Connect it with "
                f"<pre>{html.escape(connect_command('quickbooks', 'quickbooks_default'))}</pre></p>")
    return HTMLResponse(f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}"
                        f"</title></head><body><h1>{html.escape(title)}</h1><p>{intro}</p>{body}"
                        "<p>Run the command on the machine where ledgerbridge's Airflow runs; it opens the "
                        "QuickBooks consent page.</p></body></html>")


@app.get("/intuit/disconnect", response_class=HTMLResponse)
def disconnected(realm_id: str | None = Query(default=None, alias="realmId")) -> HTMLResponse:
    log.info("intuit: disconnect landing page for realm %s", realm_id)
    return _page("QuickBooks disconnected from ledgerbridge",
                 "This QuickBooks company was disconnected from ledgerbridge in QuickBooks; its tokens no longer "
                 "work and its alignment stops until it is connected again.", realm_id)


@app.get("/intuit/reconnect", response_class=HTMLResponse)
def reconnect(realm_id: str | None = Query(default=None, alias="realmId")) -> HTMLResponse:
    log.info("intuit: reconnect landing page for realm %s", realm_id)
    return _page("Reconnect QuickBooks to ledgerbridge",
                 "To connect this QuickBooks company to ledgerbridge again, run:", realm_id)


@app.get("/oauth/callback", response_class=HTMLResponse)
def callback() -> HTMLResponse:
    """Where the consent ends for --no-browser: the code is in this page's address, which the person copies."""
    return HTMLResponse("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ledgerbridge: "
                        "authorization received</title></head><body><h1>Almost done</h1><p>Copy this page's full "
                        "address from the address bar and paste it into the terminal where <code>python -m "
                        "ledgerbridge.connect</code> is waiting. The code in it works once, for 5 minutes.</p>"
                        "</body></html>", headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
