"""Benchmarks: build a synthetic library, measure import, search, opening and memory.

Run ``python -m tests.benchmarks [--quick]``. Nothing here is a test: module names have no
``test_`` prefix so pytest never collects (or imports) them.
"""
