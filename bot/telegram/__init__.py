"""The only package that imports python-telegram-bot (besides the composition root)."""
