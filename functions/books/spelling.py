"""Per-word typo correction against the catalog's vocabulary (`search_words`).

The budget is the one users know from Meilisearch and Typesense: no typo in a word under 5
letters, one in 5 to 8 letters, two from 9 letters; the first letter is never wrong. A typo is an
insertion, a deletion, a substitution or a swap of two neighbours ("tolkein" is one typo from
"tolkien"): the optimal-string-alignment distance, computed here for the few candidates that
PostgreSQL's Levenshtein distance (which counts a swap as two) let through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# At most this many corrections of one word, the closest first: more only dilute the ranking.
MAX_CORRECTIONS = 3


def typo_budget(word: str) -> int:
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0


def levenshtein_prefilter(budget: int) -> int:
    """A swap counts 2 in Levenshtein's distance and 1 in ours: the widest net needed."""
    return 2 * budget


def typo_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: edits plus swaps of adjacent letters."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(row[j - 1] + 1, rows[i - 1][j] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def closest(word: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """The candidates within the word's budget at the smallest distance found, nearest first."""
    budget = typo_budget(word)
    scored = sorted(
        (distance, candidate)
        for candidate in set(candidates)
        if candidate[:1] == word[:1] and (distance := typo_distance(word, candidate)) <= budget
    )
    if not scored:
        return ()
    best = scored[0][0]
    return tuple(candidate for distance, candidate in scored if distance == best)[:MAX_CORRECTIONS]


def corrections(
    words: Sequence[str], candidates: Mapping[str, Iterable[str]]
) -> dict[str, tuple[str, ...]]:
    """Each word's corrections, from the vocabulary's candidates for it (words the vocabulary
    knows, and words too short to correct, have none)."""
    found = {word: closest(word, candidates.get(word, ())) for word in words}
    return {word: fixes for word, fixes in found.items() if fixes}
