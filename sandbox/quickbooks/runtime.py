"""Everything one running QuickBooks sandbox holds, how it is made (fresh, seeded, or from ``--state``) and saved."""

from __future__ import annotations

import json
import logging
import secrets
import string
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox.common.clock import Clock
from sandbox.common.consent import ConsentDesk
from sandbox.common.faults import Controls
from sandbox.common.idempotency import IdempotencyCache
from sandbox.common.oauth import QUICKBOOKS_POLICY, TokenIssuer
from sandbox.common.persist import StateFile
from sandbox.common.ratelimit import RateLimiter, Window
from sandbox.options import SandboxOptions
from sandbox.quickbooks import seed
from sandbox.quickbooks.operations import Company
from sandbox.quickbooks.store import Books
from sandbox.quickbooks.webhooks import Notifier

log = logging.getLogger(__name__)

STATE_NAME = "quickbooks.json"
# fact sheet §4: 500 requests a minute per realm (batch included), 40 batch calls a minute, 10 at once
WINDOWS = [Window("minute", 60, 500), Window("batch", 60, 40, kinds=frozenset({"batch"}))]
CONCURRENT = 10
INTUIT_SCOPES = {"com.intuit.quickbooks.accounting", "com.intuit.quickbooks.payment", "openid", "profile", "email",
                 "phone", "address"}
HARD_EXPIRY_SECONDS = 5 * 365 * 86400  # fact sheet §5: refresh tokens end 5 years after the grant


def _client_id() -> str:
    alphabet = string.ascii_letters + string.digits
    return "AB" + "".join(secrets.choice(alphabet) for _ in range(48))


def _realm_id() -> str:
    return "9341" + "".join(secrets.choice(string.digits) for _ in range(12))


@dataclass
class Sandbox:
    opts: SandboxOptions
    clock: Clock
    company: Company
    issuer: TokenIssuer
    limiter: RateLimiter
    controls: Controls
    replays: IdempotencyCache
    notifier: Notifier
    state: StateFile
    granted_at: float
    refresh_token: str = ""
    calls_cleared_at: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    consent: ConsentDesk | None = None  # the authorize endpoint's consent page and codes

    def company_name(self) -> str:
        record = next(self.company.books.all("CompanyInfo"), None)
        return str(record.data.get("CompanyName", "Sandbox Company")) if record is not None else "Sandbox Company"

    def scope_error(self, scope: str) -> str | None:
        unknown = [s for s in scope.split() if s not in INTUIT_SCOPES]
        if not scope.split():
            return "scope is required"
        return f"Unknown scope: {' '.join(unknown)}" if unknown else None

    @property
    def realm_id(self) -> str:
        return self.company.realm_id

    def snapshot(self) -> dict[str, Any]:
        return {
            "realm_id": self.realm_id,
            "books": self.company.books.to_dict(),
            "tokens": self.issuer.to_dict(),
            "replays": self.replays.to_dict(),
            "verifier": self.notifier.verifier,
            "granted_at": self.granted_at,
        }

    def changed(self, *_: Any) -> None:
        self.state.mark_dirty()

    def hard_expires_in(self) -> int:
        return max(0, int(self.granted_at + HARD_EXPIRY_SECONDS - self.clock.time()))


def create(opts: SandboxOptions) -> Sandbox:
    clock = Clock()
    holder: dict[str, Sandbox] = {}
    state = StateFile(opts.state, STATE_NAME, lambda: holder["box"].snapshot())
    saved = state.load() if state.exists() else None
    books = Books(clock)
    if saved is not None:
        realm = saved["realm_id"]
        issuer = TokenIssuer.from_dict(saved["tokens"], clock, QUICKBOOKS_POLICY)
        verifier = opts.webhook_key or saved["verifier"]
        granted_at = saved["granted_at"]
        books.load(saved["books"])
    else:
        realm = _realm_id()
        issuer = TokenIssuer(clock=clock, policy=QUICKBOOKS_POLICY, client_id=_client_id(),
                             client_secret=secrets.token_urlsafe(30)[:40], subject=realm)
        verifier = opts.webhook_key or secrets.token_hex(18)
        granted_at = clock.time()
    home = _saved_home(books) if saved is not None else opts.home
    if saved is not None and opts.home_currency and opts.home_currency != home:
        raise SystemExit(f"{state.path}: the company's home currency is {home}; QuickBooks does not change a home "
                         "currency once set (start afresh without --state to choose another)")
    company = Company(realm, books, clock, home_currency=home)
    replays = IdempotencyCache(clock, ttl_seconds=None)
    if saved is not None:
        replays.load(saved.get("replays", []))
    limiter = RateLimiter(clock, WINDOWS, CONCURRENT, enabled=opts.rate_limits == "real")
    notifier = Notifier(opts.webhook_url, verifier, realm, clock)
    box = Sandbox(opts, clock, company, issuer, limiter, Controls(), replays, notifier, state, granted_at)
    holder["box"] = box
    if saved is None:
        seed.reference_data(company)
        if opts.seed is not None:
            _seed_books(box, opts)
    books.listeners.append(notifier.listen)
    books.listeners.append(box.changed)
    # a fresh refresh token on every start, as if the user had just connected the app again
    box.refresh_token = issuer.initial_refresh_token()
    box.consent = ConsentDesk(clock=clock, client_id=issuer.client_id, app_name="ledgerbridge",
                              company_name=box.company_name, redirect_uris=list(opts.redirect_uris),
                              scope_check=box.scope_error, revoke_on_reuse=True,
                              extra_redirect=lambda: {"realmId": box.realm_id}, auto=opts.auto_consent)
    state.flush()
    return box


def _saved_home(books: Books) -> str:
    """The home currency the saved company was created with (Preferences.CurrencyPrefs.HomeCurrency)."""
    for record in books.all("Preferences"):
        home = ((record.data.get("CurrencyPrefs") or {}).get("HomeCurrency") or {}).get("value")
        if home:
            return str(home)
    return "GBP"


def _seed_books(box: Sandbox, opts: SandboxOptions) -> None:
    try:
        from sandbox.seed.generate import generate
    except ImportError as exc:  # the generator lands separately; say so instead of serving empty books
        raise SystemExit(f"--seed needs sandbox.seed.generate ({exc})") from exc
    assert opts.seed is not None
    generated = generate(opts.seed, opts.size)
    seed.side_books(box.company, generated.quickbooks, box.clock.time())
    target = opts.truth or (str(Path(opts.state) / "truth.json") if opts.state else None)
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(generated.truth, indent=2, default=_json_default), encoding="utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to the truth file")
