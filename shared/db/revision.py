"""The Alembic revisions this code knows, oldest first, and the one it expects the database at.

Kept as constants so the Health function can answer readiness without importing Alembic at cold
start; `tests/test_migrations.py` fails when they differ from the migrations.
"""

REVISIONS = (
    "0001_baseline",
    "0002_users",
    "0003_books",
    "0004_orders",
    "0005_prebooks",
    "0006_search_words",
    "0007_oidc_sign_in",
    "0008_login_throttle",
    "0009_search_postings",
    "0010_row_level_security",
)
SCHEMA_HEAD = REVISIONS[-1]

# The PostgreSQL advisory lock every schema-changing migration run holds (arbitrary, fixed).
MIGRATION_LOCK_KEY = 7_240_311_905
