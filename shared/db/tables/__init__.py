"""Every table of the schema in SQLAlchemy Core, one module per domain, without the ORM.

Reads that map rows straight to responses use these (importing the ORM costs cold-start time,
bench/RESULTS.md); the ORM models of `shared.db.models` are mapped onto the same tables, so
both write the same columns and Alembic sees one schema. A function imports only the tables it
queries (`from shared.db.tables.books import books`): building a table costs time at start-up. Statements name their joins' conditions, so a foreign key to a table not imported is
never resolved.
"""
