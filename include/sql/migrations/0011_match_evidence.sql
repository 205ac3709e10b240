-- Issue 16: matching by evidence for and against. Contacts and documents carry, from staging, what the matcher
-- compares (a parsed profile) and the keys that find candidates by equality joins; a link keeps the evidence it
-- was made on; a person can say two records are different, so they are never proposed again.
ALTER TABLE ledgerbridge.stg_xero_contacts ADD COLUMN match_profile jsonb, ADD COLUMN match_ids jsonb,
    ADD COLUMN match_keys jsonb, ADD COLUMN match_typo_keys jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_contacts ADD COLUMN match_profile jsonb, ADD COLUMN match_ids jsonb,
    ADD COLUMN match_keys jsonb, ADD COLUMN match_typo_keys jsonb;
ALTER TABLE ledgerbridge.stg_xero_suppliers ADD COLUMN match_profile jsonb, ADD COLUMN match_ids jsonb,
    ADD COLUMN match_keys jsonb, ADD COLUMN match_typo_keys jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_suppliers ADD COLUMN match_profile jsonb, ADD COLUMN match_ids jsonb,
    ADD COLUMN match_keys jsonb, ADD COLUMN match_typo_keys jsonb;
ALTER TABLE ledgerbridge.stg_xero_invoices ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_invoices ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_xero_bills ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_bills ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_xero_credit_notes ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_credit_notes ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_xero_vendor_credits ADD COLUMN match_keys jsonb;
ALTER TABLE ledgerbridge.stg_quickbooks_vendor_credits ADD COLUMN match_keys jsonb;

-- the match weight (bits of evidence) and the per-field evidence a link was made on (contacts and documents)
ALTER TABLE ledgerbridge.xref ADD COLUMN weight numeric(7, 2), ADD COLUMN evidence jsonb;

-- Two records a person has said are different: the matcher never proposes them to each other again, so each is
-- created on the other side (or kept apart) instead of waiting in the queue night after night.
CREATE TABLE ledgerbridge.distinct_records (
    pair            text NOT NULL,
    entity          text NOT NULL,
    xero_id         text NOT NULL,
    quickbooks_id   text NOT NULL,
    decided_by      text,
    note            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, entity, xero_id, quickbooks_id)
);
