"""The inner-thigh daily coach: a Telegram bot that coaches one habit well."""
