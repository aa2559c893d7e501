"""Benchmarks for issue 5: raw PTB versus the dispatcher, bursts, memory, start-up and claims.

Run everything with ``python -m bench`` (``--quick`` for small sizes); see docs/PERFORMANCE.md.
"""
