"""Machinery the two sandboxes share: clock, OAuth token issuing, rate limits, idempotency replay, persistence,
fault injection and the server runner. Everything ledger-specific (paths, envelopes, error bodies) lives in
``sandbox.xero`` and ``sandbox.quickbooks``."""
