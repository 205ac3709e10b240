INSERT INTO ledgerbridge.attachment_links
    (pair, entity, source_ledger, source_id, source_record, target_ledger, target_record, target_id, file_name, size,
     sha256, run_id)
VALUES (%(pair)s, %(entity)s, %(source_ledger)s, %(source_id)s, %(source_record)s, %(target_ledger)s,
        %(target_record)s, %(target_id)s, %(file_name)s, %(size)s, %(sha256)s, %(run_id)s)
ON CONFLICT DO NOTHING;
