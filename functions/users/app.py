"""The Users function: accounts and tokens. Serves /auth/* and /users*, docs at /users/docs.

Besides API Gateway events, `handler` accepts an operator's direct invocation
(`functions.users.operator_actions`).
"""

from __future__ import annotations

from shared.runtime.startup import collector_paused

# The function's whole start-up, with the garbage collector paused: see shared.runtime.startup.
with collector_paused():
    from functions.users.oidc.router import oidc_router
    from functions.users.operator_actions import ACTIONS
    from functions.users.router import auth_router, users_router
    from shared.http.app import create_app
    from shared.runtime.handler import create_handler
    from shared.runtime.operator_actions import with_operator_actions

    app = create_app(
        "users",
        auth_router,
        oidc_router,
        users_router,
        title="Bookstore users",
        description="Registration, login and token refresh, the caller's account, and account "
        "administration. Access tokens are short-lived JWTs; refresh tokens are opaque, single-use "
        "and rotated on every refresh.",
    )
    handler = with_operator_actions(create_handler(app), ACTIONS)
