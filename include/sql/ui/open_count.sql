SELECT count(*) AS n FROM ledgerbridge.exceptions WHERE status = 'open';
