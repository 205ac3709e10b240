"""From consent to a first run: both organisations connected with ``python -m ledgerbridge.connect`` (consent pages
followed by an HTTP client, Airflow's CLI storing the connections, the token store seeded), then ``sync_contacts``
runs through Airflow for a pair that names those connections, with no other set-up. No client secret, token or code
appears in the task logs or the XComs."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import psycopg
import pytest

from ledgerbridge import connect as cli
from ledgerbridge.tokens import TokenStore
from tests.fixtures.airflow import run_in_process
from tests.ledgerbridge.test_connect import free_port, http_browser

pytestmark = pytest.mark.timeout(900)
ROOT = Path(__file__).resolve().parents[2]


def test_connected_organisations_run_sync_contacts(airflow_db, fresh_db, sandbox_factory, tmp_path, monkeypatch,
                                                   capfd, caplog):
    db_url = fresh_db()
    monkeypatch.setenv("LEDGERBRIDGE_DB_URL", db_url)
    monkeypatch.setenv("AIRFLOW_CONN_LEDGER_DB", db_url)
    monkeypatch.setenv("LEDGERBRIDGE_RETRY_DELAY_SECONDS", "1")
    redirect = f"http://localhost:{free_port()}/callback"
    boxes = {ledger: sandbox_factory(ledger, "--rate-limits", "off", "--seed", "5", "--size", "10",
                                     "--redirect-uri", redirect) for ledger in ("xero", "quickbooks")}
    conn_ids = {"xero": "xero_first_run", "quickbooks": "qbo_first_run"}
    seen: list[str] = []
    for ledger, box in boxes.items():
        cli.connect(ledger, conn_ids[ledger], client_id=box.info["client_id"], client_secret=box.info["client_secret"],
                    redirect_uri=redirect, sandbox=box.root_url, browser=http_browser(seen=seen), timeout=120,
                    out=io.StringIO())

    # the shipped pairs file, naming the connections just made
    shutil.copy(ROOT / "config" / "mappings.yaml", tmp_path / "mappings.yaml")
    pairs = (ROOT / "config" / "pairs.yaml").read_text()
    pairs = pairs.replace("xero_conn_id: xero_default", f"xero_conn_id: {conn_ids['xero']}")
    pairs = pairs.replace("quickbooks_conn_id: quickbooks_default", f"quickbooks_conn_id: {conn_ids['quickbooks']}")
    (tmp_path / "pairs.yaml").write_text(pairs)
    monkeypatch.setenv("LEDGERBRIDGE_PAIRS_FILE", str(tmp_path / "pairs.yaml"))
    capfd.readouterr()

    result = run_in_process("sync_contacts", {"pair": "harbour"})
    assert result.ok, result.summary()
    with psycopg.connect(db_url) as conn:
        read = dict(conn.execute("SELECT ledger, sum(read) FROM ledgerbridge.run_summary WHERE run_id = %s "
                                 "GROUP BY ledger", (result.run_id,)).fetchall())
    assert read.get("xero", 0) > 0 and read.get("quickbooks", 0) > 0

    # the night's head keeps both connections alive (nothing due: they were connected minutes ago)
    nightly = run_in_process("nightly_alignment", {"pair": "harbour"})
    assert nightly.ok, nightly.summary()
    assert nightly.returns["keep_tokens_alive"] == {conn_ids["xero"]: "healthy", conn_ids["quickbooks"]: "healthy"}

    logs = capfd.readouterr()
    text = logs.out + logs.err + caplog.text + repr(result.returns) + repr(nightly.returns)
    store = TokenStore(db_url)
    secrets_ = [box.info["client_secret"] for box in boxes.values()]
    for conn_id in conn_ids.values():
        state = store.state(conn_id)
        secrets_ += [state["refresh_token"], state["access_token"]]
    secrets_ += [part.split("=", 1)[1].split("&")[0] for url in seen for part in url.split("?", 1)[1].split("&")
                 if part.startswith("code=")]
    assert "wrote contacts to xero for pair harbour" in text  # the task logs were read
    assert len(secrets_) >= 8 and all(len(s) >= 16 for s in secrets_)
    leaked = [s[:6] + "..." for s in secrets_ if s in text]
    assert not leaked, f"secrets in the task logs or XComs: {leaked}"
