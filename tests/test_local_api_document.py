"""`bookstore dev` serves the whole API's OpenAPI document at /openapi.json, merged from what its
function processes serve, and the interactive docs for it at /docs."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bookstore.openapi import api_document
from tests.support.local_api import running_local_api


@pytest.fixture(scope="module")
def local_api() -> Iterator[str]:
    with running_local_api(warmed=True) as url:
        yield url


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.headers["content-type"], response.read().decode()


def test_the_local_runner_serves_the_whole_api_s_document_merged_from_its_functions(
    local_api: str,
) -> None:
    status, content_type, body = get(f"{local_api}/openapi.json")

    assert status == 200
    assert content_type == "application/json"
    assert json.loads(body) == api_document()


def test_the_local_runner_serves_interactive_docs_for_the_whole_api(local_api: str) -> None:
    status, content_type, body = get(f"{local_api}/docs")

    assert status == 200
    assert content_type.startswith("text/html")
    assert "url: '/openapi.json'" in body


def test_the_local_front_page_points_at_the_whole_api_s_docs(local_api: str) -> None:
    _, _, body = get(f"{local_api}/")
    front: dict[str, Any] = json.loads(body)

    assert front["api"] == {"docs": "/docs", "openapi": "/openapi.json"}
