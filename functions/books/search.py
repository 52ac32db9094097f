"""The `q` search: which books match, and how relevant each is.

Query words are matched across title, author and description together (a weighted full-text
vector: English stemming, title above author above description), every word required. A word that
is not in the catalog's vocabulary is corrected to the closest words that are, word by word, as
search engines do: one typo in a word of 5 to 8 letters, two from 9 letters, none below 5, the
first letter kept (`functions.books.spelling`). The last word also matches as a prefix while it is
being typed ("tolk" finds Tolkien). A book matching every word as typed ranks above one that needs
a correction or a prefix; within each, a title match ranks above an author match above a
description match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Float, bindparam, case, cast, false, func, literal, select
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from shared.db.tables.books import books

# Longer input is cut, not refused: a pasted paragraph still gets an answer. Word similarity
# against a title means nothing past this length anyway.
MAX_QUERY_LENGTH = 200
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s+")
# Letters and digits only: no character of the tsquery syntax can get through.
_WORD = re.compile(r"[^\W_]+")

SCORE_TYPE = Float()
# Scores by class: every word as typed, then with corrections or a prefix. ts_rank with
# normalization 32 (rank / (rank + 1)) stays below 1, so the classes never overlap.
EXACT_CLASS = 2.0
CORRECTED_CLASS = 1.0
_RANK_BELOW_ONE = 32


def clean_query(raw: str | None) -> str | None:
    """The search text to use, or None when there is nothing to search for."""
    if raw is None:
        return None
    text = _WHITESPACE.sub(" ", _UNSTORABLE.sub(" ", raw)).strip()[:MAX_QUERY_LENGTH].strip()
    return text or None


def query_words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(text))


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A cleaned query, its words, and the corrections found for the unknown ones."""

    text: str
    words: tuple[str, ...]
    corrections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The last word is still being typed (no space after it): it also matches as a prefix.
    typing: bool = False

    def exact(self) -> str:
        """Every word as typed, all required (to_tsquery syntax)."""
        return " & ".join(self.words)

    def forgiving(self) -> str:
        """Every word, each as typed or as one of its corrections (the last also as a prefix)."""
        groups = []
        for position, word in enumerate(self.words):
            alternatives = [word, *self.corrections.get(word, ())]
            if self.typing and position == len(self.words) - 1:
                alternatives.append(f"{word}:*")
            groups.append("(" + " | ".join(alternatives) + ")")
        return " & ".join(groups)


def _tsquery(name: str) -> ColumnElement[object]:
    # As a scalar subquery it is an InitPlan, parsed once per execution even under a cached
    # generic plan, not once per row.
    parse = func.to_tsquery(
        literal("english", REGCONFIG), bindparam(name, type_=books.c.title.type)
    )
    return select(parse.cast(TSQUERY)).scalar_subquery()


def _word_match(name: str) -> ColumnElement[bool]:
    return books.c.search_vector.bool_op("@@")(_tsquery(name))


# The SQL of a search depends only on whether the query has words; the words are bound values
# (`search_values`), so one compiled statement serves every query of the same shape.
def matches(has_words: bool) -> ColumnElement[bool]:
    if not has_words:
        return false()  # punctuation only: no word to look for
    return _word_match("search_forgiving")


def relevance(has_words: bool) -> ColumnElement[float]:
    """The score a book's place in the results comes from (see the module's docstring)."""
    if not has_words:
        return literal(0.0, SCORE_TYPE)
    rank = cast(
        func.ts_rank(books.c.search_vector, _tsquery("search_forgiving"), _RANK_BELOW_ONE),
        SCORE_TYPE,
    )
    return case(
        (_word_match("search_exact"), EXACT_CLASS + rank),
        else_=CORRECTED_CLASS + rank,
    )


def search_values(terms: SearchTerms) -> dict[str, str]:
    """The values `matches` and `relevance` bind for these terms."""
    if not terms.words:
        return {}
    return {"search_forgiving": terms.forgiving(), "search_exact": terms.exact()}
