SELECT source_id, sha256 FROM ledgerbridge.attachment_links WHERE pair = %(pair)s AND entity = %(entity)s;
