-- Whether a plan of this pair and entity was ever approved (the first alignment is behind it).
SELECT EXISTS (SELECT 1 FROM ledgerbridge.approvals
               WHERE pair = %(pair)s AND entity = %(entity)s AND status = 'approved') AS done;
