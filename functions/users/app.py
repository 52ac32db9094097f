"""The Users function: accounts and tokens. Serves /auth/* and /users*, docs at /users/docs.

Besides API Gateway events, `handler` accepts an operator's direct invocation
(`functions.users.operator_actions`).
"""

from __future__ import annotations

from typing import Any

from functions.users import operator_actions
from functions.users.router import auth_router, users_router
from shared.app_factory import create_app
from shared.lambda_handler import create_handler

app = create_app(
    "users",
    auth_router,
    users_router,
    title="Bookstore users",
    description="Registration, login and token refresh, the caller's account, and account "
    "administration. Access tokens are short-lived JWTs; refresh tokens are opaque, single-use "
    "and rotated on every refresh.",
)
_serve_http = create_handler(app)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if operator_actions.is_operator_action(event):
        return operator_actions.handle(event, context)
    return _serve_http(event, context)
