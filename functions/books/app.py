from functions.books.router import router
from shared.app_factory import create_app
from shared.lambda_handler import create_handler
from shared.money import MONEY_RULE

DESCRIPTION = f"""The catalog: browse, search and (for admins) edit books.

- **Search** (`q`): full text over title, author and description (English stemming), ranked so a
  title match comes before an author match before a description match; a small typo in a title or
  author still matches ("hobit" finds "The Hobbit"). `q` combines with every filter. A blank `q` is
  no search; longer input is cut to its first 200 characters; any text, including search syntax,
  is read as words and never fails.
- **Pages**: keyset cursors for every sort, relevance included; a page never repeats or skips a
  book because others were added or removed meanwhile. A cursor is valid only with the sort it
  came from.
- **ISBN**: ISBN-13, or ISBN-10 stored as its ISBN-13; hyphens and spaces are ignored; the check
  digit must be right. ISBNs are unique among the books in the catalog: once a book is deleted its
  ISBN may be listed again (a new book, with a new id).
- **Price**: {MONEY_RULE}. Answers always carry two places.
- **Delete** is soft: the book leaves the catalog (404 from then on) but stays referenced by
  existing orders.
"""

app = create_app("books", router, title="Bookstore books", description=DESCRIPTION)
handler = create_handler(app)
