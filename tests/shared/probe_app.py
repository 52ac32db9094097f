"""A tiny function built the way every function is built, to test the shared layer on its own.

`create_app` plus `create_handler`, with one route any signed-in user may call and one only an
admin may; each answers the principal the access token names. Nothing here touches a database.
"""

from __future__ import annotations

from fastapi import APIRouter

from shared.auth.dependencies import AdminUser, CurrentUser
from shared.auth.tokens import Principal
from shared.http.app import create_app
from shared.runtime.handler import create_handler

ME_PATH = "/probe/me"
ADMIN_PATH = "/probe/admin"

router = APIRouter(prefix="/probe", tags=["probe"])


def _answer(principal: Principal) -> dict[str, str]:
    return {"user_id": str(principal.user_id), "role": principal.role}


@router.get("/me")
async def me(principal: CurrentUser) -> dict[str, str]:
    return _answer(principal)


@router.get("/admin")
async def admin_only(principal: AdminUser) -> dict[str, str]:
    return _answer(principal)


app = create_app("probe", router, title="Shared-layer probe")
handler = create_handler(app)
