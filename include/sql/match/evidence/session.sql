-- For this transaction: hash joins and aggregates over the keys stay in memory (bounded per operation), and no
-- JIT compilation (it costs more than it saves on these one-off statements).
SET LOCAL work_mem = '64MB';
SET LOCAL jit = off;
