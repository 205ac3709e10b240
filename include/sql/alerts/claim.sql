-- Claim an alert before sending it: a second claim of the same event and key (a re-run, a retried task, a second
-- overdue check the same day) finds the row and sends nothing.
INSERT INTO ledgerbridge.alerts_sent (event, dedupe_key, summary)
VALUES (%(event)s, %(dedupe_key)s, %(summary)s)
ON CONFLICT (event, dedupe_key) DO NOTHING
RETURNING id;
