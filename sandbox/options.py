"""Start-up options shared by the two sandboxes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SandboxOptions:
    host: str = "127.0.0.1"
    port: int = 0
    seed: int | None = None  # None: empty books (reference data only)
    size: int = 40  # records of the main entity (invoices) in seeded books
    state: str | None = None  # folder that keeps the books across restarts; None: in memory
    rate_limits: str = "real"  # "real" | "off"
    truth: str | None = None  # where to write the seed's truth file (default: <state>/truth.json when --state)
    latency_ms: int = 0  # added to every API call, to make concurrency observable
    webhook_url: str | None = None  # POST change notifications here (signed with webhook_key)
    webhook_key: str | None = None
    # the currency the organisation keeps its books in: chosen when it is created, never changed after (neither
    # Xero's Organisation.BaseCurrency nor QuickBooks' Preferences.CurrencyPrefs.HomeCurrency can be set by an app);
    # None: GBP, the currency of the seeded books
    home_currency: str | None = None
    # the consent flow: redirect URIs registered for the app, and a test switch answering the consent page at once
    redirect_uris: tuple[str, ...] = ("http://localhost:8765/callback",)
    auto_consent: str | None = None  # "approve" | "deny"

    @property
    def home(self) -> str:
        return self.home_currency or "GBP"
