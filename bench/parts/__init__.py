"""The measured parts; each runs in its own child process via ``python -m bench.child``."""
