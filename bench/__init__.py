"""Benchmarks that print figures (rows/s, calls per record, peak memory); run with ``make bench``."""
