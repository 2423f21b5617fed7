"""SQLAlchemy repositories. Each is constructed with a tenant and puts it in every query."""
