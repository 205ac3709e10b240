"""Shared parts of ledgerbridge: database access, migrations, the OAuth token store, the HTTP base of the hooks."""
