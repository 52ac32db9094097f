"""The catalog's vocabulary: every word of every title, author and description, as typed (lower
case, not stemmed). A query word that is not in it is corrected to the closest words that are.

Kept current by a trigger on `books` (migration 0006): writing a book adds its new words. Words of
deleted or changed books stay: a correction to a word no book holds any more finds nothing, which
is the answer a query for it deserves anyway.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Table, Text, func

from shared.db.tables.metadata import metadata

search_words = Table("search_words", metadata, Column("word", Text, primary_key=True))

# Corrections keep the first letter and change the length by at most the typo budget: this index
# narrows the candidates to those before any edit distance is computed.
Index(
    "ix_search_words_first_letter_length",
    func.left(search_words.c.word, 1),
    func.length(search_words.c.word),
)
