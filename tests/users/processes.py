"""Requests sent from separate processes, as two Lambda environments would send them."""

from __future__ import annotations

import os
from typing import Any


def refresh_in_fresh_process(database_url: str, refresh_token: str) -> tuple[int, Any]:
    os.environ["DATABASE_URL"] = database_url
    from functions.users.app import handler
    from tests.support.lambda_client import LambdaClient

    response = LambdaClient(handler).post(
        "/auth/refresh", json_body={"refresh_token": refresh_token}
    )
    return response.status_code, response.json()


def register_in_fresh_process(database_url: str, body: dict[str, Any]) -> tuple[int, Any]:
    os.environ["DATABASE_URL"] = database_url
    from functions.users.app import handler
    from tests.support.lambda_client import LambdaClient

    response = LambdaClient(handler).post("/auth/register", json_body=body)
    return response.status_code, response.json()


def login_in_fresh_process(database_url: str, body: dict[str, Any]) -> int:
    os.environ["DATABASE_URL"] = database_url
    from functions.users.app import handler
    from tests.support.lambda_client import LambdaClient

    return LambdaClient(handler).post("/auth/login", json_body=body).status_code
