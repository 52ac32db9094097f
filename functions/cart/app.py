from shared.runtime.startup import collector_paused

DESCRIPTION = """The caller's shopping cart: one line per book.

- **Prices are current**: a cart shows each book's price now; the price is copied into the order
  only at checkout (`POST /orders`). `total` and `line_total` are decimal strings with two places,
  in the deployment's one `currency`.
- **item_count** is the number of copies (the sum of the quantities), not of lines.
- **Changes are checked when made**: a line needs a released book with enough stock at that moment.
  Stock is not reserved: checkout checks it again and names every line that no longer fits.
- A book deleted from the catalog drops out of the cart (it can no longer be bought).
"""

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.cart.router import router
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler

    app = create_app("cart", router, title="Bookstore cart", description=DESCRIPTION)
    handler = create_handler(app)
