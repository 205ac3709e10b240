"""Alerts (issue 8) through the providers' notifiers: a local SMTP server (aiosmtpd) receives the mail, a local HTTP
receiver stands in for Slack's incoming webhook; both configured as Airflow connections, off without them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest

from reconcile import alerts
from tests.fixtures.mail import SMTP_PASSWORD, body as _body

WEBHOOK_TOKEN = "T0SECRET/B0SECRET/abcdefXYZsecretwebhookpart"


@pytest.fixture
def slack_receiver():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append({"path": self.path, "body": json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()


@pytest.fixture
def channels(monkeypatch, smtp_server, slack_receiver, ledger_db_url):
    smtp_port, inbox = smtp_server
    inbox.messages.clear()  # one server for the module; each test reads its own mail
    slack_port, received = slack_receiver
    monkeypatch.setenv("AIRFLOW_CONN_LEDGERBRIDGE_SMTP", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": smtp_port, "login": "alerts", "password": SMTP_PASSWORD,
        "extra": {"disable_tls": True, "disable_ssl": True, "to": "finance@example.com, ops@example.com",
                  "from_email": "ledgerbridge@example.com"}}))
    monkeypatch.setenv("AIRFLOW_CONN_LEDGERBRIDGE_SLACK", json.dumps({
        "conn_type": "slackwebhook", "host": f"http://127.0.0.1:{slack_port}/services",
        "password": WEBHOOK_TOKEN}))
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", ledger_db_url)
    return inbox, received, ledger_db_url


def test_a_digest_goes_out_once_per_run_by_reason_without_secrets(channels):
    inbox, received, url = channels
    with psycopg.connect(url) as conn:
        for n in range(7):
            conn.execute(
                "INSERT INTO ledgerbridge.exceptions (pair, entity, ledger, record_id, record_label, reason, message,"
                " first_run_id, last_run_id) VALUES ('harbour', 'invoices', 'xero', %s, %s, %s, 'm', 'run-a', 'run-a')",
                (f"inv-{n}", f"INV-{n:04d}", "possible_match" if n < 6 else "unmapped_code"))
    sent = alerts.new_exceptions_digest("run-a", "harbour", db_url=url)
    assert sorted(sent) == ["slack", "smtp"]
    assert alerts.new_exceptions_digest("run-a", "harbour", db_url=url) == []   # a re-run sends nothing again
    assert len(inbox.messages) == 1 and len(received) == 1
    rcpts, mail = inbox.messages[0]
    assert sorted(rcpts) == ["finance@example.com", "ops@example.com"]
    assert "7 new exceptions in harbour" in mail["Subject"]
    body = _body(mail)
    assert "possible_match: 6" in body and "INV-0000" in body and "and 1 more" in body
    assert "unmapped_code: 1" in body and "python -m reconcile.decide list --pair harbour" in body
    text = received[0]["body"]["text"]
    assert "possible_match: 6" in text and "run-a" in text
    assert received[0]["path"].endswith(WEBHOOK_TOKEN.rsplit("/", 1)[-1])  # posted to the webhook ...
    for secret in (WEBHOOK_TOKEN, "abcdefXYZsecretwebhookpart", SMTP_PASSWORD):
        assert secret not in body and secret not in text and secret not in mail.as_string()  # ... not in a message


def test_a_failed_task_mails_once_and_a_secret_in_the_error_is_hidden(channels):
    inbox, received, _ = channels

    class TI:
        dag_id, task_id, run_id, map_index, try_number = "sync_invoices", "write_quickbooks", "run-f", 0, 3

    error = RuntimeError("refresh refused: refresh_token=abc123SECRET while calling quickbooks")
    assert sorted(alerts.task_failed({"task_instance": TI(), "exception": error})) == ["slack", "smtp"]
    assert alerts.task_failed({"task_instance": TI(), "exception": error}) == []
    _, mail = inbox.messages[-1]
    body = _body(mail)
    assert "sync_invoices.write_quickbooks[0] failed" in mail["Subject"] and "try 3" in body
    assert "abc123SECRET" not in body and "abc123SECRET" not in received[-1]["body"]["text"]
    assert "refresh_token=[hidden]" in received[-1]["body"]["text"]


def test_without_connections_alerts_are_off(monkeypatch, ledger_db_url):
    monkeypatch.delenv("AIRFLOW_CONN_LEDGERBRIDGE_SMTP", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_LEDGERBRIDGE_SLACK", raising=False)
    assert alerts.notify("overdue", "x", ["y"], dedupe_key="k-off", db_url=ledger_db_url) == []


def test_overdue_is_once_per_contact_per_day(channels):
    inbox, received, url = channels
    assert alerts.overdue("harbour", "2026-12-07", "c-1", "Kestrel Coffee", "1200.00", 45, db_url=url)
    assert alerts.overdue("harbour", "2026-12-07", "c-1", "Kestrel Coffee", "1200.00", 45, db_url=url) == []
    assert alerts.overdue("harbour", "2026-12-08", "c-1", "Kestrel Coffee", "1200.00", 46, db_url=url)
    assert len(received) == 2 and "45+ days past terms" in received[0]["body"]["text"]


def test_scrub_keeps_ids_and_amounts():
    line = "xero invoices 0a1b2c3d-1111-2222-3333-444455556666 (INV-0042) 1,234.56 GBP Bearer eyJhbGciOi.x.y"
    out = alerts.scrub(line)
    assert "0a1b2c3d-1111-2222-3333-444455556666" in out and "1,234.56" in out and "eyJhbGciOi" not in out


def test_control_totals_alert_beyond_the_tolerance_and_overdue_customers(channels, monkeypatch):
    inbox, received, url = channels
    monkeypatch.setenv("LEDGERBRIDGE_ALERT_TOLERANCE", "1.00")
    with psycopg.connect(url) as conn:
        for contact, label, bucket, x, q in (("total", "total", "all", "500.00", "499.50"),
                                             ("c9|q9", "Kestrel Coffee", "31-60", "300.00", "300.00"),
                                             ("c9|q9", "Kestrel Coffee", "all", "300.00", "300.00")):
            conn.execute("INSERT INTO ledgerbridge.control_totals (run_id, pair, kind, contact, contact_label, bucket,"
                         " xero_amount, quickbooks_amount, difference) VALUES ('ct1', 'harbour', 'receivable', %s, %s,"
                         " %s, %s, %s, %s::numeric - %s::numeric)", (contact, label, bucket, x, q, x, q))
    sent = alerts.after_control_totals("harbour", "ct1", "2026-12-07", db_url=url)
    assert sent == {"totals_differ": 0, "overdue": 1}   # 0.50 is within the tolerance
    assert "Kestrel Coffee owes 300.00 overdue, 31+ days past terms" in received[-1]["body"]["text"]
    monkeypatch.setenv("LEDGERBRIDGE_ALERT_TOLERANCE", "0.10")
    sent = alerts.after_control_totals("harbour", "ct1", "2026-12-07", db_url=url)
    assert sent == {"totals_differ": 1, "overdue": 0}   # the overdue alert went today already
    assert "receivable total: xero 500.00 quickbooks 499.50 (difference 0.50)" in received[-1]["body"]["text"]
