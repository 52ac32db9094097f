"""The tables revision 0010 puts under row-level security: every table of a user's rows."""

from __future__ import annotations

ROW_SECURED_TABLES = (
    "cart_items",
    "wishlist_items",
    "orders",
    "order_items",
    "prebooks",
    "idempotency_keys",
    "users",
    "user_identities",
    "refresh_tokens",
    "oidc_login_codes",
)
