-- The candidate pairs in Xero-record order, narrow, before any profile is joined: the stream then reads them in
-- this order (a hash join keeps its probe side's order) without sorting wide rows, and a Xero record's candidates
-- come together, so its profile is decoded once. The order only saves work; nothing depends on it.
CREATE TEMP TABLE match_sorted ON COMMIT DROP AS
SELECT xero_id, quickbooks_id FROM match_pairs ORDER BY xero_id;
