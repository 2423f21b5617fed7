"""Persistence: SQLAlchemy models, the Database (engines and transactions),
repositories implementing the Protocols of ``tools.deps``, and Alembic migrations."""
