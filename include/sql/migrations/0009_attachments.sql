-- Supporting files copied between the ledgers (a QuickBooks bill's Attachables to its Xero bill), each once.
CREATE TABLE ledgerbridge.attachment_links (
    pair            text NOT NULL,
    entity          text NOT NULL,
    source_ledger   text NOT NULL,
    source_id       text NOT NULL,      -- the attachment's id where it came from
    source_record   text NOT NULL,
    target_ledger   text NOT NULL,
    target_record   text NOT NULL,
    target_id       text,               -- the attachment's id where it was copied to
    file_name       text NOT NULL,
    size            bigint NOT NULL,
    sha256          text NOT NULL,
    run_id          text,
    copied_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair, entity, source_ledger, source_id, sha256)
);
