"""Rules that more than one function needs (a function never imports another function).

What belongs here: keyword-only functions that take an `AsyncSession` and plain values, flush and
never commit (the caller's transaction owner does, see `shared.db.transaction`), and raise the
errors of `shared.domain.errors`. No FastAPI, no request or response schemas. Code moves here only
when a second function needs it.
"""
