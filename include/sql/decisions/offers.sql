-- The decisions table of offers, to compare with the Python registry.
SELECT reason, decision, needs, describes, position FROM ledgerbridge.decision_offers ORDER BY reason, position;
