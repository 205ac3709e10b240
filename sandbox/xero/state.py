"""Everything one Xero sandbox holds: the app's OAuth state, the tenant's connection and books, the limits, the
idempotency cache, the test controls; persisted with ``--state DIR`` (client id and secret survive a restart)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from pathlib import Path
from typing import Any

from sandbox.common.clock import Clock
from sandbox.common.consent import ConsentDesk
from sandbox.common.faults import Controls
from sandbox.common.idempotency import IdempotencyCache
from sandbox.common.oauth import XERO_POLICY, TokenIssuer
from sandbox.common.persist import StateFile
from sandbox.common.ratelimit import RateLimiter, Window
from sandbox.options import SandboxOptions
from sandbox.seed.generate import generate, write_truth
from sandbox.seed.reference import stable_uuid
from sandbox.xero.books import Books
from sandbox.xero.bank_transactions import BANK_TRANSACTIONS
from sandbox.xero.contacts import CONTACTS
from sandbox.xero.credit_notes import CREDIT_NOTES
from sandbox.xero.credits import OVERPAYMENTS, PREPAYMENTS
from sandbox.xero.entities import Ctx, Registry
from sandbox.xero.invoices import INVOICES
from sandbox.xero.items import ITEMS
from sandbox.xero.manual_journals import MANUAL_JOURNALS
from sandbox.xero.payments import PAYMENTS
from sandbox.xero.reference import ACCOUNTS, CURRENCIES, ORGANISATION, TAX_RATES
from sandbox.xero.tracking import TRACKING_CATEGORIES
from sandbox.xero.seed import build_books
from sandbox.xero.webhooks import WebhookSender, new_key
from sandbox.xero.wire import utc_now_ms

log = logging.getLogger(__name__)

PROVIDER_NAME = "ledgerbridge"  # the app's name, as Xero puts it in ProviderName
SCOPES = ("openid profile email accounting.transactions accounting.contacts accounting.settings "
          "accounting.attachments offline_access")
CC_SCOPES = "accounting.transactions accounting.contacts accounting.settings accounting.attachments"
# what an app may ask for on the consent page (fact sheet §5): OpenID, offline_access, the broad scopes (apps created
# before 2 March 2026 only) and the granular ones, each with its .read variant
BROAD_ONLY = {"accounting.transactions", "accounting.transactions.read"}
_RW = ["accounting.contacts", "accounting.settings", "accounting.attachments", "accounting.invoices",
       "accounting.payments", "accounting.banktransactions", "accounting.manualjournals"]
KNOWN_SCOPES = ({"openid", "profile", "email", "offline_access", "accounting.journals.read", "accounting.reports.read",
                 "accounting.budgets.read"} | set(_RW) | {s + ".read" for s in _RW} | BROAD_ONLY)
IDEMPOTENCY_TTL = 360  # about six minutes (fact sheet §3, unconfirmed)
STATE_VERSION = 1
LIMITS = {"minute": 60, "day": 5000, "appminute": 10_000, "concurrent": 5}  # fact sheet §4


def windows(limits: dict[str, int]) -> list[Window]:
    return [Window("minute", 60, limits["minute"], kinds=frozenset({"tenant"})),
            Window("day", 86_400, limits["day"], kinds=frozenset({"tenant"})),
            Window("appminute", 60, limits["appminute"], app_wide=True)]


class XeroSandbox:
    def __init__(self, opts: SandboxOptions) -> None:
        self.opts = opts
        self.clock = Clock()
        self.controls = Controls()
        self.registry = Registry([CONTACTS, INVOICES, CREDIT_NOTES, PAYMENTS, BANK_TRANSACTIONS, OVERPAYMENTS,
                                  PREPAYMENTS, MANUAL_JOURNALS, ITEMS, ACCOUNTS, TAX_RATES, TRACKING_CATEGORIES,
                                  ORGANISATION, CURRENCIES])
        self.limits = dict(LIMITS)
        self.limiter = RateLimiter(self.clock, windows(self.limits), self.limits["concurrent"],
                                   enabled=opts.rate_limits != "off")
        self.remaining: dict[str, int] = {}  # last counts seen, for answers refused before counting
        self.idempotency = IdempotencyCache(self.clock, IDEMPOTENCY_TTL)
        self.cc_tokens: set[str] = set()  # access tokens of the client_credentials grant (no tenant header needed)
        self.state_file = StateFile(opts.state, "xero.json", self.snapshot)
        if self.state_file.exists():
            self._load(self.state_file.load())
            log.info("xero sandbox: books and app state loaded from %s", self.state_file.path)
        else:
            self._fresh()
        self.webhooks = (WebhookSender(opts.webhook_url, self.webhook_key, self.tenant_id)
                         if opts.webhook_url else None)
        self.refresh_token = self.issuer.initial_refresh_token()
        # a new app (created from 2 March 2026) unless told otherwise; the redirect URIs registered for it
        self.legacy_app = False
        self.consent = ConsentDesk(clock=self.clock, client_id=self.issuer.client_id, app_name=PROVIDER_NAME,
                                   company_name=lambda: self.tenant_name, redirect_uris=list(opts.redirect_uris),
                                   scope_check=self.scope_error, auto=opts.auto_consent)
        self.state_file.flush()  # the printed refresh token must survive a crash

    # --- set-up -------------------------------------------------------------------------------------------------
    def _fresh(self) -> None:
        opts = self.opts
        self.tenant_id = stable_uuid("xero-tenant", opts.seed) if opts.seed is not None else str(uuid.uuid4())
        self.issuer = TokenIssuer(clock=self.clock, policy=XERO_POLICY, client_id=secrets.token_hex(16).upper(),
                                  client_secret=secrets.token_urlsafe(36), subject=self.tenant_id)
        now = self.clock.now()
        self.connection: dict[str, Any] = {"id": str(uuid.uuid4()), "authEventId": str(uuid.uuid4()),
                                           "created": now, "updated": now, "active": True}
        self.webhook_key = opts.webhook_key or new_key()
        self.seeded: dict[str, int] | None = None
        side = None
        if opts.seed is not None:
            self.seeded = {"seed": opts.seed, "size": opts.size}
            seeded = generate(opts.seed, opts.size)
            side = seeded.xero
            target = opts.truth or (str(Path(opts.state) / "truth.json") if opts.state else None)
            if target:
                write_truth(seeded, target)
        self.books = build_books(side, self.tenant_id, PROVIDER_NAME, opts.home)

    def _load(self, data: dict[str, Any]) -> None:
        if data.get("version") != STATE_VERSION:
            raise SystemExit(f"{self.state_file.path}: state version {data.get('version')} is not "
                             f"{STATE_VERSION}; remove the folder to start afresh")
        self.tenant_id = data["tenant_id"]
        self.issuer = TokenIssuer.from_dict(data["oauth"], self.clock, XERO_POLICY)
        self.connection = data["connection"]
        self.webhook_key = self.opts.webhook_key or data["webhook_key"]
        self.cc_tokens = set(data.get("cc_tokens", []))
        self.books = Books.from_dict(data["books"])
        base = next(self.books.records("Organisation"), {}).get("BaseCurrency")
        if self.opts.home_currency and base and self.opts.home_currency != base:
            raise SystemExit(f"{self.state_file.path}: the organisation keeps its books in {base}; a base currency "
                             "cannot be changed once set (start afresh without --state to choose another)")
        self.idempotency.load(data.get("idempotency", []))
        self.seeded = data.get("seeded")
        if self.opts.truth and self.seeded:
            # the books came from the state folder; the truth of the seed they started from is the same as then
            write_truth(generate(self.seeded["seed"], self.seeded["size"]), self.opts.truth)

    def snapshot(self) -> dict[str, Any]:
        live = {a["token"] for a in self.issuer.to_dict()["access"]}
        return {"version": STATE_VERSION, "tenant_id": self.tenant_id, "oauth": self.issuer.to_dict(),
                "connection": self.connection, "webhook_key": self.webhook_key,
                "cc_tokens": sorted(self.cc_tokens & live), "seeded": self.seeded, "books": self.books.to_dict(),
                "idempotency": self.idempotency.to_dict()}

    # --- per request ----------------------------------------------------------------------------------------------
    def ctx(self) -> Ctx:
        return Ctx(books=self.books, now=utc_now_ms(self.clock.now()), provider=PROVIDER_NAME,
                   registry=self.registry)

    def scope_error(self, scope: str) -> str | None:
        asked = scope.split()
        unknown = [s for s in asked if s not in KNOWN_SCOPES]
        if unknown:
            return f"Unknown scope: {' '.join(unknown)}"
        broad = [s for s in asked if s in BROAD_ONLY]
        if broad and not self.legacy_app:
            return (f"Scope {' '.join(broad)} is not available to apps created on or after 2 March 2026; "
                    "ask for the granular scopes")
        return None

    @property
    def tenant_name(self) -> str:
        return str(next(self.books.records("Organisation"))["Name"])

    def last_remaining(self) -> dict[str, int]:
        """What the limit headers said last (full allowances before any call), for answers given before counting."""
        return {name: self.remaining.get(name, self.limits[name]) for name in ("minute", "day", "appminute")}

    def set_limits(self, limits: dict[str, int]) -> None:
        """Test control: other limits (a small day limit makes a day breach testable)."""
        self.limits.update({k: int(v) for k, v in limits.items() if k in LIMITS})
        self.limiter.windows = windows(self.limits)
        self.limiter.concurrent = self.limits["concurrent"]

    def startup_line(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "ledger": "xero", "base_url": "{base}/api.xro/2.0", "token_url": "{base}/connect/token",
            "client_id": self.issuer.client_id, "client_secret": self.issuer.client_secret,
            "refresh_token": self.refresh_token, "tenant_id": self.tenant_id,
            "connections_url": "{base}/connections", "controls_url": "{base}/_sandbox",
            "authorize_url": "{base}/identity/connect/authorize", "revoke_url": "{base}/connect/revocation",
            "tenant_name": self.tenant_name, "scope": SCOPES,
        }
        if self.webhooks is not None:
            line["webhook_url"] = self.webhooks.url
            line["webhook_key"] = self.webhook_key
        if self.seeded:
            line.update(self.seeded)
        return line

    def connection_view(self) -> dict[str, Any]:
        return {"id": self.connection["id"], "authEventId": self.connection["authEventId"],
                "tenantId": self.tenant_id, "tenantType": "ORGANISATION", "tenantName": self.tenant_name,
                "createdDateUtc": _dotnet_utc(self.connection["created"]),
                "updatedDateUtc": _dotnet_utc(self.connection["updated"])}


def _dotnet_utc(value: dt.datetime) -> str:
    """``2020-03-18T21:20:07.7179250``: seven fractional digits and no zone (fact sheet §5)."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"
