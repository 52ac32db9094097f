from shared.runtime.startup import collector_paused

DESCRIPTION = """The caller's wishlist: the books they want, one entry per book.

- **Newest first**: the list is in the order the books were added, the most recent first (ties by
  book id), in keyset pages (`limit`, `cursor`) that stay stable while books are added.
- **Book details are current**: each entry shows the book's title, author, price (a decimal
  string with two places) and `available` (released and in stock) as they are now, not as they
  were when it was added.
- **Adding is idempotent**: `PUT` answers 201 when the book was added and 200 when it was there
  already; an entry keeps its first `added_at`.
- A book deleted from the catalog drops out of the wishlist, and cannot be added.
"""

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.wishlist.router import router
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler

    app = create_app("wishlist", router, title="Bookstore wishlist", description=DESCRIPTION)
    handler = create_handler(app)
