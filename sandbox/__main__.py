"""python -m sandbox {xero,quickbooks} [--port N] [--seed N] [--size N] [--state DIR] [--rate-limits real|off]
                                      [--home-currency CODE]

Starts a local server that speaks the ledger's API contract and prints one JSON line (base_url, token_url,
client_id, client_secret, refresh_token and tenant_id / realm_id), then serves until interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import re

from sandbox.common.server import serve
from sandbox.options import SandboxOptions


def parse(argv: list[str] | None = None) -> tuple[str, SandboxOptions]:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[2])
    parser.add_argument("ledger", choices=["xero", "quickbooks"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (the JSON line says which)")
    parser.add_argument("--seed", type=int, default=None, help="seed realistic divergent books deterministically")
    parser.add_argument("--size", type=int, default=40, help="invoices in the seeded books")
    parser.add_argument("--state", default=None, help="folder to keep the books in across restarts")
    parser.add_argument("--rate-limits", choices=["real", "off"], default="real")
    parser.add_argument("--truth", default=None, help="write the seed's truth file here")
    parser.add_argument("--latency-ms", type=int, default=0, help="extra latency per API call")
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--webhook-key", default=None)
    parser.add_argument("--home-currency", default=None, metavar="CODE",
                        help="the organisation's home (base) currency, set once when its books are created (default "
                             "GBP); the seeded books are kept in GBP, so another needs unseeded books")
    parser.add_argument("--redirect-uri", action="append", default=None, metavar="URI",
                        help="a redirect URI registered for the app (repeatable; default "
                             "http://localhost:8765/callback)")
    parser.add_argument("--auto-consent", choices=["approve", "deny"], default=None,
                        help="test switch: answer the consent page at once")
    args = parser.parse_args(argv)
    if args.home_currency is not None:
        if not re.fullmatch(r"[A-Z]{3}", args.home_currency):
            parser.error(f"--home-currency {args.home_currency!r} is not an ISO 4217 currency code")
        if args.seed is not None and args.home_currency != "GBP":
            parser.error("--home-currency: the seeded books are kept in GBP; start without --seed for books in "
                         f"{args.home_currency}")
    opts = SandboxOptions(host=args.host, port=args.port, seed=args.seed, size=args.size, state=args.state,
                          rate_limits=args.rate_limits, truth=args.truth, latency_ms=args.latency_ms,
                          webhook_url=args.webhook_url, webhook_key=args.webhook_key,
                          home_currency=args.home_currency,
                          redirect_uris=tuple(args.redirect_uri or ("http://localhost:8765/callback",)),
                          auto_consent=args.auto_consent)
    return args.ledger, opts


def main(argv: list[str] | None = None) -> None:
    ledger, opts = parse(argv)
    module = importlib.import_module(f"sandbox.{ledger}.app")
    app, line = module.build(opts)
    serve(app, opts.host, opts.port, line)


if __name__ == "__main__":
    main()
