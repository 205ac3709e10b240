-- Scored candidate pairs worth a decision (at least the review threshold), for this transaction.
CREATE TEMP TABLE match_scored (
    xero_id         text NOT NULL,
    quickbooks_id   text NOT NULL,
    weight          numeric(7, 2) NOT NULL,
    vetoed          boolean NOT NULL,
    rule            text NOT NULL,
    x_label         text,
    q_label         text,
    evidence        jsonb NOT NULL
) ON COMMIT DROP;
