"""Storage: SQLAlchemy models and repositories. Repositories never commit; services do."""
