"""Integrity violations mapped to domain errors by the name of the constraint that was violated.

Checking before writing is a race (another request may write in between); the constraint is the
truth. Map its violation, by name, to the answer a client should get.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import asyncpg
from sqlalchemy.exc import IntegrityError

from shared.errors import AppError


def violated_constraint(
    error: IntegrityError | asyncpg.IntegrityConstraintViolationError,
) -> str | None:
    """The constraint (or unique index) name PostgreSQL reported, if any: from the engine's
    error, or from the driver's (`shared.db.compiled.Writer`)."""
    cause = (
        error
        if isinstance(error, asyncpg.PostgresError)
        else getattr(error.orig, "__cause__", None)
    )
    name = getattr(cause, "constraint_name", None)
    return name if isinstance(name, str) else None


@contextmanager
def constraint_errors(mapping: Mapping[str, type[AppError]]) -> Iterator[None]:
    """Turn an IntegrityError of a named constraint into the domain error mapped to it.

    Anything else is re-raised unchanged: an unmapped violation is a bug, not a client's mistake.
    """
    try:
        yield
    except (IntegrityError, asyncpg.IntegrityConstraintViolationError) as error:
        domain_error = mapping.get(violated_constraint(error) or "")
        if domain_error is None:
            raise
        raise domain_error() from None
