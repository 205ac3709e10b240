UPDATE ledgerbridge.oauth_tokens SET death_alerted_at = now() WHERE conn_id = %(conn_id)s;
