"""The Alembic revision this code expects the database to be at.

Kept as a constant so the Health function can answer readiness without importing Alembic at cold
start; `tests/test_migrations.py` fails when it differs from the migrations' head.
"""

SCHEMA_HEAD = "0006_search_words"

# The PostgreSQL advisory lock every schema-changing migration run holds (arbitrary, fixed).
MIGRATION_LOCK_KEY = 7_240_311_905
