"""Default adapters: Flask-Login auth, SQLAlchemy records, local files."""
