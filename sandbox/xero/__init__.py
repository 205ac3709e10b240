"""The Xero sandbox: a local server that follows the Xero Accounting API contract (``python -m sandbox xero``).

Modules, outside in:
- ``app``: ``build(opts)`` -> the ASGI app and the start-up line; the routes.
- ``gateway``: call log and injected faults (middleware); per API call the token (401), tenant (403), limits (429),
  latency, ``Accept`` and ``Idempotency-Key`` replay.
- ``identity``: ``/connect/token`` and ``/connections``. ``controls``: ``/_sandbox/*`` test controls.
- ``api``: generic list/get/write/delete/history handlers driven by ``entities.Entity`` definitions.
- The entities: ``contacts``; ``invoices`` and ``credit_notes`` (one writer, ``documents``; lines ``invoice_lines``,
  shape ``invoice_render``; contact/currency/date pieces ``doc_parts``); ``payments``; ``bank_transactions`` and
  the overpayments/prepayments they make (``credits``); ``manual_journals``; ``items``; ``tracking``; ``reference``
  (accounts, tax rates, currencies, organisation).
- What settles documents: ``settlement`` (balances, PAID and back), ``allocations`` (credit to invoices).
- ``attachments``: files on documents, contacts and accounts.
- ``where``: the ``where``/``order`` language. ``wire``: /Date()/ values, decimals, envelope, error bodies.
- ``state``: what one sandbox holds and persists (``--state``). ``books``: the record store. ``seed`` and
  ``seed_documents``: seeded books.
- ``webhooks``: signed change notifications (``--webhook-url``).
"""
