"""The token store against real PostgreSQL: rotation persisted under a row lock, no token spent twice."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from ledgerbridge.tokens import ReauthorisationRequired, TokenGrant, TokenStore


class RotatingLedger:
    """A token endpoint that rotates refresh tokens and refuses a spent one, like Xero without the grace period."""

    def __init__(self, first: str, conn_id: str = "xero_test") -> None:
        self.conn_id = conn_id
        self.valid = {first}
        self.calls = 0
        self.lock = threading.Lock()
        self.spent_twice = 0

    def refresh(self, token: str | None) -> TokenGrant:
        time.sleep(0.05)  # widen the race window
        with self.lock:
            self.calls += 1
            if token not in self.valid:
                self.spent_twice += 1
                raise ReauthorisationRequired("xero", self.conn_id, "invalid_grant")
            self.valid.discard(token)
            new = f"rt-{self.calls}"
            self.valid.add(new)
            return TokenGrant(access_token=f"at-{self.calls}", expires_in=1800, refresh_token=new)


def test_first_use_refreshes_and_later_uses_reuse(ledger_db_url):
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-1")
    token = store.access_token("conn_a", "xero", "seed-1", ledger.refresh)
    assert token == "at-1"
    assert store.access_token("conn_a", "xero", "seed-1", ledger.refresh) == "at-1"
    assert ledger.calls == 1
    state = store.state("conn_a")
    assert state["refresh_token"] == "rt-1"  # the rotated token is what is kept


def test_concurrent_refreshers_never_spend_the_same_token(ledger_db_url):
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-2")
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(TokenStore(ledger_db_url).access_token("conn_b", "xero", "seed-2", ledger.refresh))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ledger.spent_twice == 0
    assert ledger.calls == 1  # the others waited on the row lock and reused the new access token
    assert set(results) == {"at-1"}
    assert store.state("conn_b")["refresh_token"] == "rt-1"


def test_a_rejected_access_token_forces_one_refresh(ledger_db_url):
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-3")
    first = store.access_token("conn_c", "xero", "seed-3", ledger.refresh)
    second = store.access_token("conn_c", "xero", "seed-3", ledger.refresh, rejected=first)
    assert second != first
    assert ledger.calls == 2
    # a concurrent caller that also saw the old token rejected gets the new one without refreshing again
    assert store.access_token("conn_c", "xero", "seed-3", ledger.refresh, rejected=first) == second
    assert ledger.calls == 2


def test_a_new_refresh_token_in_the_connection_replaces_the_stored_one(ledger_db_url):
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-4")
    store.access_token("conn_d", "xero", "seed-4", ledger.refresh)
    # the operator re-authorised: the connection now holds a fresh token the ledger knows
    ledger.valid.add("reauthorised")
    token = store.access_token("conn_d", "xero", "reauthorised", ledger.refresh)
    assert token == "at-2"
    assert store.state("conn_d")["refresh_token"] == "rt-2"


def test_refused_refresh_names_the_connection_and_keeps_the_stored_token(ledger_db_url):
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-5", conn_id="conn_e")
    store.access_token("conn_e", "quickbooks", "seed-5", ledger.refresh)
    ledger.valid.clear()  # revoked
    with pytest.raises(ReauthorisationRequired, match="conn_e"):
        store.access_token("conn_e", "quickbooks", "seed-5", ledger.refresh, rejected="at-1")
    assert store.state("conn_e")["refresh_token"] == "rt-1"


def test_tokens_are_encrypted_at_rest_with_a_key(ledger_db_url, monkeypatch):
    from cryptography.fernet import Fernet

    monkeypatch.setenv("LEDGERBRIDGE_FERNET_KEY", Fernet.generate_key().decode())
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-6")
    assert store.access_token("conn_f", "xero", "seed-6", ledger.refresh) == "at-1"
    with psycopg.connect(ledger_db_url) as conn:
        raw = conn.execute("SELECT access_token, refresh_token FROM ledgerbridge.oauth_tokens "
                           "WHERE conn_id = 'conn_f'").fetchone()
    assert raw[0].startswith("fernet:") and "at-1" not in raw[0]
    assert raw[1].startswith("fernet:") and "rt-1" not in raw[1]
    assert store.state("conn_f")["refresh_token"] == "rt-1"


def test_without_a_configured_key_one_is_generated_and_nothing_is_stored_in_plain_text(ledger_db_url, monkeypatch,
                                                                                      tmp_path):
    monkeypatch.delenv("LEDGERBRIDGE_FERNET_KEY", raising=False)
    key_file = tmp_path / "keys" / "fernet.key"
    monkeypatch.setenv("LEDGERBRIDGE_FERNET_KEY_FILE", str(key_file))
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("seed-7")
    assert store.access_token("conn_g", "xero", "seed-7", ledger.refresh) == "at-1"
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    with psycopg.connect(ledger_db_url) as conn:
        raw = conn.execute("SELECT access_token, refresh_token FROM ledgerbridge.oauth_tokens "
                           "WHERE conn_id = 'conn_g'").fetchone()
    assert raw[0].startswith("fernet:") and raw[1].startswith("fernet:") and "rt-1" not in raw[1]
    # another process finds the same key
    assert TokenStore(ledger_db_url).state("conn_g")["refresh_token"] == "rt-1"


def test_plain_text_an_older_version_left_is_read_then_sealed(ledger_db_url):
    with psycopg.connect(ledger_db_url) as conn:
        conn.execute("INSERT INTO ledgerbridge.oauth_tokens (conn_id, ledger, refresh_token) "
                     "VALUES ('conn_h', 'quickbooks', 'legacy-plain')")
    store = TokenStore(ledger_db_url)
    ledger = RotatingLedger("legacy-plain")
    assert store.access_token("conn_h", "quickbooks", None, ledger.refresh) == "at-1"
    with psycopg.connect(ledger_db_url) as conn:
        raw = conn.execute("SELECT refresh_token FROM ledgerbridge.oauth_tokens WHERE conn_id = 'conn_h'").fetchone()
    assert raw[0].startswith("fernet:") and store.state("conn_h")["refresh_token"] == "rt-1"
