"""Required documents, uploads, checks and serving files."""
