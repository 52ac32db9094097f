"""A search's page in relevance order, read from `search_postings` so that its cost does not grow
with the number of books that match.

The postings of a lexeme are keyed (word, rank, book_id): read backwards, a word's books come in
relevance order (title, author, description; then the newest id first), and a page is the first
rows of that range, or of the range after the cursor. One word of the query drives the page: the
one fewest books hold (`functions.books.search.word_groups` counts them), whose lexemes, as typed,
then corrected, then completed, each get a slot of their own, in that order; a book is read in the
first slot it matches. Each other word of the query is required of every book read, by a probe of
the book's postings, and so are the page's filters (genre, price, availability...).

A page reads at most CANDIDATES postings per slot past its cursor: a query whose other words or
filters turn nearly every book away answers what those candidates hold, and its list ends there
(a search engine's candidate cap), rather than read every posting of its words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    Text,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG
from sqlalchemy.sql.elements import Grouping

from functions.books.search import SCORE_TYPE, SearchTerms
from shared.db.tables.books import books
from shared.db.tables.search_words import search_postings

# The driving word's lexemes read in a page: itself, its corrections and its completions.
SLOTS = 5
# The postings of each lexeme a page reads past its cursor, at most: what bounds a page whose
# other words or filters turn most books away (past them, the list ends).
CANDIDATES = 500
# The other words checked by probing their postings (index only, the rarest first); beyond them,
# on the book's search_vector.
PROBED_WORDS = 3
# A score is its slot's step plus the rank (1 to 3): slots never overlap.
_STEP = 4
MAX_SCORE = float(SLOTS * _STEP)

# Parenthesized, as PostgreSQL needs it to take a subscript.
_drive = Grouping(bindparam("search_drive", type_=ARRAY(Text())))
_probe = search_postings.alias("q")


def _constant(value: int) -> ColumnElement[int]:
    # Written into the SQL, not bound: the planner sees each slot's own numbers.
    return literal_column(str(value), Integer())


def _probe_held(book_id: ColumnElement[Any], lexemes: ColumnElement[Any]) -> ColumnElement[Any]:
    """1 when the book holds one of these lexemes, else NULL: one index-only probe of the book's
    postings. A scalar subquery, which PostgreSQL never turns into a hash of every posting of the
    lexemes (as an EXISTS it did, reading all of a common word's postings for each page)."""
    return (
        select(literal(1))
        .where(_probe.c.book_id == book_id, _probe.c.word == any_(lexemes))
        .limit(1)
        .scalar_subquery()
    )


def _held(book_id: ColumnElement[Any], lexemes: ColumnElement[Any]) -> ColumnElement[bool]:
    return _probe_held(book_id, lexemes).is_not(None)


def _not_held(book_id: ColumnElement[Any], lexemes: ColumnElement[Any]) -> ColumnElement[bool]:
    # Not "IS NULL", which the planner takes for true of one row in 200: it then costs each slot
    # as a scan of all its candidates, past JIT's threshold (50 ms to compile a 2 ms query).
    return _probe_held(book_id, lexemes).is_distinct_from(1)


def _other_words_held(book_id: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    # A word left out of a query binds NULL: no condition.
    held: list[ColumnElement[bool]] = []
    for number in range(1, PROBED_WORDS + 1):
        lexemes = bindparam(f"search_other_{number}", type_=ARRAY(Text()))
        held.append(or_(lexemes.is_(None), _held(book_id, lexemes)))
    rest = bindparam("search_rest", type_=Text())
    on_vector = exists().where(
        books.c.id == book_id, books.c.search_vector.bool_op("@@")(_simple_query(rest))
    )
    held.append(or_(rest.is_(None), on_vector))
    return held


def _simple_query(text_: ColumnElement[Any]) -> ColumnElement[Any]:
    # The lexemes are stemmed already: 'simple' matches them as they are.
    return func.to_tsquery(literal("simple", REGCONFIG), text_)


def _slot_page(slot: int, filters: Sequence[ColumnElement[bool]], *, after: bool) -> Select[Any]:
    step = _constant((SLOTS - slot) * _STEP)
    postings = search_postings.alias("w")
    window = select(postings.c.rank, postings.c.book_id).where(
        # Never NULL, so no slot is planned away for one query (fewer branches to plan).
        postings.c.word == func.coalesce(_drive[_constant(slot)], "")
    )
    if after:
        # The cursor's (score, id) as this slot's (rank, book_id): an index range.
        after_rank = cast(bindparam("after_key", type_=SCORE_TYPE), Integer) - step
        after_id = bindparam("after_id", type_=books.c.id.type)
        window = window.where(
            tuple_(postings.c.rank, postings.c.book_id) < tuple_(after_rank, after_id)
        )
    candidates = (
        window.order_by(postings.c.rank.desc(), postings.c.book_id.desc())
        .limit(bindparam("search_candidates", type_=Integer()))
        .subquery("p")
    )
    conditions = _other_words_held(candidates.c.book_id)
    if filters:
        conditions.append(exists().where(books.c.id == candidates.c.book_id, *filters))
    if slot > 1:
        # Read in an earlier slot already.
        earlier = _drive[_constant(1) : _constant(slot - 1)]
        conditions.append(_not_held(candidates.c.book_id, earlier))
    score = cast(candidates.c.rank + step, SCORE_TYPE).label("score")
    return (
        select(candidates.c.book_id, score)
        .where(*conditions)
        .order_by(candidates.c.rank.desc(), candidates.c.book_id.desc())
        .limit(bindparam("limit", type_=Integer()))
    )


def ranked_page(
    columns: Sequence[SQLColumnExpression[Any]],
    filters: Sequence[ColumnElement[bool]],
    *,
    after: bool,
) -> Select[Any]:
    """The page's statement: each slot's first books, then the best of them with their columns.
    `filters`: the page's conditions on `books` other than the search (postings hold live books
    only)."""
    slots = union_all(*(_slot_page(s, filters, after=after) for s in range(1, SLOTS + 1)))
    ranked = slots.subquery("ranked")
    return (
        select(*columns, ranked.c.score)
        .select_from(ranked.join(books, books.c.id == ranked.c.book_id))
        .order_by(ranked.c.score.desc(), ranked.c.book_id.desc())
        .limit(bindparam("limit", type_=Integer()))
    )


def ranked_values(terms: SearchTerms) -> dict[str, Any]:
    """What `ranked_page` binds for these terms: the driving word's lexemes, and the others."""
    values: dict[str, Any] = {"search_candidates": CANDIDATES, "search_rest": None}
    values.update({f"search_other_{n}": None for n in range(1, PROBED_WORDS + 1)})
    if not terms.groups:
        return {**values, "search_drive": [None] * SLOTS}
    drive = min(terms.groups, key=lambda group: group.books)
    others = sorted((g for g in terms.groups if g is not drive), key=lambda group: group.books)
    for number, group in enumerate(others[:PROBED_WORDS], start=1):
        values[f"search_other_{number}"] = list(group.lexemes)
    if others[PROBED_WORDS:]:
        values["search_rest"] = " & ".join(
            "(" + " | ".join(_quoted(lexeme) for lexeme in group.lexemes) + ")"
            for group in others[PROBED_WORDS:]
        )
    lexemes = list(drive.lexemes[:SLOTS])
    return {**values, "search_drive": lexemes + [None] * (SLOTS - len(lexemes))}


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
