"""The catalog's search index, kept current by a trigger on `books` (migration 0007).

`search_words`, the vocabulary: every word of a live book's title, author and description, as
typed (lower case, not stemmed), with how many live books hold it; a word no live book holds any
more is dropped. A query word that is not in it is corrected to the closest words that are, and a
word being typed is completed to the most used words it begins.

`search_postings`: for each English lexeme of a live book's `search_vector`, the book and the best
field the lexeme is in (`rank`: 3 title, 2 author, 1 description). Its key is the order a search
ranks a word's books in, so a page of results is an index range, however many books match.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, SmallInteger, Table, Text, Uuid, func

from shared.db.tables.metadata import metadata

search_words = Table(
    "search_words",
    metadata,
    Column("word", Text, primary_key=True),
    Column("books", Integer, nullable=False, server_default="0"),
)

# Corrections keep the first letter and change the length by at most the typo budget: this index
# narrows the candidates to those before any edit distance is computed.
Index(
    "ix_search_words_first_letter_length",
    func.left(search_words.c.word, 1),
    func.length(search_words.c.word),
)

search_postings = Table(
    "search_postings",
    metadata,
    Column("word", Text, primary_key=True),
    Column("rank", SmallInteger, primary_key=True),
    Column("book_id", Uuid, primary_key=True),
)

# Whether a book holds a word: one descent to the book's few postings, whatever the word.
Index("ix_search_postings_book_word", search_postings.c.book_id, search_postings.c.word)
