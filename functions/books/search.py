"""The `q` search: which books match, and in what order.

Query words are matched across title, author and description together (English stemming), every
word required. A word that is not in the catalog's vocabulary is corrected to the closest words
that are, word by word, as search engines do: one typo in a word of 5 to 8 letters, two from 9
letters, none below 5, the first letter kept (`functions.books.spelling`). The last word, while it
is being typed, also stands for the most used words it begins ("tolk" finds Tolkien).

In relevance order a page is read from the postings of one word of the query, the one fewest books
hold (`functions.books.ranked_search`): a book matching it as typed ranks above one matching a
correction, above one matching a completion; within each, a title match above an author match
above a description match; the other words are required, not ranked. Other sorts filter on the
books' weighted `search_vector` with the same words and corrections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Float, bindparam, false, func, literal, select
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


def clean_query(raw: str | None) -> str | None:
    """The search text to use, or None when there is nothing to search for."""
    if raw is None:
        return None
    text = _WHITESPACE.sub(" ", _UNSTORABLE.sub(" ", raw)).strip()[:MAX_QUERY_LENGTH].strip()
    return text or None


def query_words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(text))


@dataclass(frozen=True, slots=True)
class WordGroup:
    """One query word as the postings know it: the English lexemes that stand for it, in the
    order they rank (as typed, its corrections, its completions), and how many books hold them
    (from the vocabulary's counts, an estimate: one book may hold several)."""

    lexemes: tuple[str, ...]
    books: int


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A cleaned query, its words, and what the vocabulary made of them."""

    text: str
    words: tuple[str, ...]
    corrections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The last word is still being typed (no space after it): it also matches as a prefix.
    typing: bool = False
    # One per word that has a lexeme (stop words such as "the" have none and match anything).
    groups: tuple[WordGroup, ...] = ()

    def forgiving(self) -> str:
        """Every word, each as typed or as one of its corrections (the last also as a prefix)."""
        groups = []
        for position, word in enumerate(self.words):
            alternatives = [word, *self.corrections.get(word, ())]
            if self.typing and position == len(self.words) - 1:
                alternatives.append(f"{word}:*")
            groups.append("(" + " | ".join(alternatives) + ")")
        return " & ".join(groups)


def word_groups(
    words: Sequence[str],
    *,
    lexemes: Mapping[str, str | None],
    books: Mapping[str, int],
    corrections: Mapping[str, Sequence[str]],
    completions: Mapping[str, Sequence[str]],
) -> tuple[WordGroup, ...]:
    """Each query word's lexemes in rank order, from the vocabulary's answers (`lexemes` and
    `books` of every word named, as typed or as a correction or completion)."""
    groups = []
    for word in dict.fromkeys(words):
        if lexemes.get(word) is None:
            continue  # a stop word ("the"): it matches anything, as full-text search has it
        alternatives = [word, *corrections.get(word, ()), *completions.get(word, ())]
        found = (lexeme for a in alternatives if (lexeme := lexemes.get(a)) is not None)
        groups.append(
            WordGroup(tuple(dict.fromkeys(found)), sum(books.get(a, 0) for a in alternatives))
        )
    return tuple(groups)


def _tsquery(name: str) -> ColumnElement[object]:
    # As a scalar subquery it is an InitPlan, parsed once per execution even under a cached
    # generic plan, not once per row.
    parse = func.to_tsquery(
        literal("english", REGCONFIG), bindparam(name, type_=books.c.title.type)
    )
    return select(parse.cast(TSQUERY)).scalar_subquery()


# The SQL of a search depends only on whether the query has words; the words are bound values
# (`search_values`), so one compiled statement serves every query of the same shape.
def matches(has_words: bool) -> ColumnElement[bool]:
    if not has_words:
        return false()  # punctuation only: no word to look for
    return books.c.search_vector.bool_op("@@")(_tsquery("search_forgiving"))


def search_values(terms: SearchTerms) -> dict[str, str]:
    """The values `matches` binds for these terms."""
    if not terms.words:
        return {}
    return {"search_forgiving": terms.forgiving()}
