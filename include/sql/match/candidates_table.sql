-- Candidate pairs of unlinked records with the rule that found them and its score (0..1), for this transaction.
CREATE TEMP TABLE match_candidates (
    xero_id         text NOT NULL,
    quickbooks_id   text NOT NULL,
    score           numeric(5, 3) NOT NULL,
    rule            text NOT NULL,
    PRIMARY KEY (xero_id, quickbooks_id)
) ON COMMIT DROP;
