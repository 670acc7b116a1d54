"""Synthetic data for demonstrations, tests and benchmarks: the kabupaten generator, loading it
into a database, matching tuning and the matching benchmark. Not used by the stages themselves.
"""
