"""The HTTP side of the bot: Telegram's webhook, /healthz, /readyz and /metrics on uvicorn.

Modules are imported where used, so importing this package pulls in no web framework.
"""
