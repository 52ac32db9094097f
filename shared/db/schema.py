"""The Alembic revision this code expects the database to be at.

Kept as a constant so the Health function can answer readiness without importing Alembic at cold
start; `tests/test_migrations.py` fails when it differs from the migrations' head.
"""

SCHEMA_HEAD = "0003_books"
