DELETE FROM ledgerbridge.oauth_tokens WHERE conn_id = %(conn_id)s RETURNING conn_id;
