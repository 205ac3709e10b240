"""The Xero sandbox: a local server that follows the Xero Accounting API contract (``python -m sandbox xero``).

Modules, outside in:
- ``app``: ``build(opts)`` -> the ASGI app and the start-up line; the routes.
- ``gateway``: call log and injected faults (middleware); per API call the token (401), tenant (403), limits (429),
  latency, ``Accept`` and ``Idempotency-Key`` replay.
- ``identity``: ``/connect/token`` and ``/connections``. ``controls``: ``/_sandbox/*`` test controls.
- ``api``: generic list/get/write/history handlers driven by ``entities.Entity`` definitions.
- ``contacts``, ``invoices`` (+ ``invoice_lines``, ``invoice_render``), ``reference``: the entities.
- ``where``: the ``where``/``order`` language. ``wire``: /Date()/ values, decimals, envelope, error bodies.
- ``state``: what one sandbox holds and persists (``--state``). ``books``: the record store. ``seed``: seeded books.
- ``webhooks``: signed change notifications (``--webhook-url``).
"""
