"""Use cases. Each public coroutine owns its transaction and returns plain results."""
