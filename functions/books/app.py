from shared.runtime.startup import collector_paused

DESCRIPTION = """The catalog: browse, search and (for admins) edit books.

- **Search** (`q`): every word must match, in title, author or description (English stemming).
  Typos are forgiven word by word: a word the catalog does not know is corrected to its closest
  known words, one typo in a word of 5 to 8 letters, two from 9 letters, none below 5, the first
  letter kept; a swap of two letters is one typo ("hobit tolkein" finds "The Hobbit"). The last
  word also matches as a prefix unless `q` ends with a space ("tolk" finds Tolkien). Ranking:
  books matching every word as typed come first, then those needing a correction or a prefix;
  within each, a title match comes before an author match before a description match. `q`
  combines with every filter and sort. A blank `q` is no search; longer input is cut to its
  first 200 characters; punctuation and search syntax are read as word separators and never fail.
- **Pages**: keyset cursors for every sort, relevance included; a page never repeats or skips a
  book because others were added or removed meanwhile. A cursor is valid only with the sort it
  came from.
- **ISBN**: ISBN-13, or ISBN-10 stored as its ISBN-13; hyphens and spaces are ignored; the check
  digit must be right. ISBNs are unique among the books in the catalog: once a book is deleted its
  ISBN may be listed again (a new book, with a new id).
- **Price**: {money_rule}. Answers always carry two places.
- **Delete** is soft: the book leaves the catalog (404 from then on) but stays referenced by
  existing orders.
"""

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.books.router import router
    from shared.domain.money import MONEY_RULE
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler

    app = create_app(
        "books",
        router,
        title="Bookstore books",
        description=DESCRIPTION.format(money_rule=MONEY_RULE),
    )
    handler = create_handler(app)
