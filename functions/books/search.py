"""The `q` search: which books match, and how relevant each is.

A book matches when its weighted full-text vector matches the query (stemmed English words, title
weighted above author above description), or when the query is close, by trigram word similarity,
to a word run of its title or author (a typo such as "hobit" still finds "The Hobbit").
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Float, bindparam, case, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from shared.models.book import Book

# Longer input is cut, not refused: a pasted paragraph still gets an answer. Word similarity
# against a title means nothing past this length anyway.
MAX_QUERY_LENGTH = 200
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")

SCORE_TYPE = Float()
# Fuzzy-only matches rank below every word match; among them a close title beats a close author.
TITLE_SIMILARITY_WEIGHT = 0.5
AUTHOR_SIMILARITY_WEIGHT = 0.25


def clean_query(raw: str | None) -> str | None:
    """The search text to use, or None when there is nothing to search for."""
    if raw is None:
        return None
    text = _WHITESPACE.sub(" ", _UNSTORABLE.sub(" ", raw)).strip()[:MAX_QUERY_LENGTH].strip()
    return text or None


def _query_param(text: str) -> ColumnElement[str]:
    return bindparam("search_q", text, type_=Book.title.type)


def _tsquery(text: str) -> ColumnElement[object]:
    # websearch_to_tsquery never raises on user syntax: quotes, "or", "-" and stray operators are
    # read as a search engine would, everything else as words. As a scalar subquery it is an
    # InitPlan, parsed once per execution even under a cached generic plan, not once per row.
    parse = func.websearch_to_tsquery(literal("english", REGCONFIG), _query_param(text))
    return select(parse.cast(TSQUERY)).scalar_subquery()


def matches(text: str) -> ColumnElement[bool]:
    q = _query_param(text)
    return or_(
        Book.search_vector.bool_op("@@")(_tsquery(text)),
        q.bool_op("<%")(Book.title),
        q.bool_op("<%")(Book.author),
    )


def relevance(text: str) -> ColumnElement[float]:
    """1 + ts_rank for a word match (weights put title above author above description), else the
    trigram closeness of title and author, below 1. Word similarity is computed only for the few
    rows that need it: it is the costly part."""
    q = _query_param(text)
    word_rank = cast(func.ts_rank(Book.search_vector, _tsquery(text)), SCORE_TYPE)
    title_similarity = cast(func.word_similarity(q, Book.title), SCORE_TYPE)
    author_similarity = cast(func.word_similarity(q, Book.author), SCORE_TYPE)
    return case(
        (Book.search_vector.bool_op("@@")(_tsquery(text)), 1.0 + word_rank),
        else_=title_similarity * TITLE_SIMILARITY_WEIGHT
        + author_similarity * AUTHOR_SIMILARITY_WEIGHT,
    )
