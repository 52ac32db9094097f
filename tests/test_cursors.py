"""Cursors are the server's own: signed, and every field checked against its column before SQL."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from functions.books.app import handler as books_handler
from functions.users.app import handler as users_handler
from functions.wishlist.app import handler as wishlist_handler
from shared.auth.tokens import create_access_token
from shared.errors import InvalidCursorError
from shared.http.pagination import decode_cursor, encode_cursor, id_cursor
from shared.settings import get_settings
from tests.support.accounts import Account
from tests.support.databases import point_settings_at
from tests.support.lambda_client import LambdaClient
from tests.support.ports import free_loopback_port

SOME_ID = "5a550b4b-6029-4319-9c15-5fc6393e5ae7"  # fixed: test ids must match across xdist workers


def unsigned(position: dict[str, Any]) -> str:
    """A cursor as a client could forge it: base64url JSON, without the server's signature."""
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def tampered(cursor: str) -> str:
    """The cursor with one character of its payload changed."""
    first = "B" if cursor[0] == "A" else "A"
    return first + cursor[1:]


def assert_bad_cursor(response: Any) -> None:
    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


def test_a_cursor_decodes_to_what_was_encoded() -> None:
    position = {"s": "price", "k": "12.50", "id": SOME_ID}

    assert decode_cursor(encode_cursor(position)) == position


def test_a_cursor_is_url_safe_and_short() -> None:
    cursor = encode_cursor({"s": "-release_date", "k": "2026-01-01", "id": SOME_ID})

    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert len(cursor) <= 140


@pytest.mark.parametrize(
    "cursor",
    [
        unsigned({"id": SOME_ID}),
        tampered(id_cursor(uuid.UUID(SOME_ID))),
        id_cursor(uuid.UUID(SOME_ID))[:-1],
        id_cursor(uuid.UUID(SOME_ID)) + "A",
        id_cursor(uuid.UUID(SOME_ID)).split(".")[0] + ".",
        ".",
        "",
    ],
    ids=["unsigned", "payload-changed", "tag-cut", "tag-lengthened", "no-tag", "dot", "empty"],
)
def test_a_cursor_the_server_did_not_sign_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor)


def test_a_cursor_signed_with_another_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cursor = id_cursor(uuid.UUID(SOME_ID))
    monkeypatch.setenv("SECRET_KEY", "another-signing-key-that-is-long-enough-for-hs256")
    get_settings.cache_clear()

    with pytest.raises(InvalidCursorError):
        decode_cursor(cursor)


def books_cursor(sort: str, key: Any) -> str:
    return encode_cursor({"s": sort, "k": key, "id": SOME_ID})


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("price", books_cursor("price", "100000000")),
        ("-price", books_cursor("-price", "1e400")),
        ("price", books_cursor("price", "-1")),
        ("price", books_cursor("price", "1.005")),
        ("release_date", books_cursor("release_date", "99999-01-01")),
        ("-release_date", books_cursor("-release_date", "+99999-01-01")),
        ("release_date", books_cursor("release_date", "20260101")),
        ("relevance", books_cursor("relevance", 1e308)),
        ("relevance", books_cursor("relevance", -1e308)),
        ("title", books_cursor("title", "x" * 301)),
        ("-title", books_cursor("-title", 5)),
        ("price", unsigned({"s": "price", "k": "12.00", "id": SOME_ID})),
    ],
)
def test_books_refuse_a_cursor_out_of_its_columns_range(
    database_url: str, sort: str, cursor: str
) -> None:
    response = LambdaClient(books_handler).get(
        "/books", query={"sort": sort, "q": "x", "cursor": cursor}
    )

    assert_bad_cursor(response)


def test_books_refuse_a_modified_cursor_of_their_own(database_url: str) -> None:
    client = LambdaClient(books_handler)
    admin = create_access_token(uuid.uuid4(), "admin")[0]
    for serial, isbn in enumerate(["9780261102217", "9780261103573"]):
        body = {"isbn": isbn, "title": f"T{serial}", "author": "A", "genre": "G", "price": "1.00"}
        assert client.post("/books", token=admin, json_body=body).status_code == 201
    cursor = client.get("/books", query={"sort": "price", "limit": "1"}).json()["next_cursor"]

    assert client.get("/books", query={"sort": "price", "cursor": cursor}).status_code == 200
    assert_bad_cursor(client.get("/books", query={"sort": "price", "cursor": tampered(cursor)}))


def test_users_refuse_an_unsigned_id_cursor(database_url: str) -> None:
    admin = create_access_token(uuid.uuid4(), "admin")[0]

    response = LambdaClient(users_handler).get(
        "/users", token=admin, query={"cursor": unsigned({"id": SOME_ID})}
    )

    assert_bad_cursor(response)


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor({"k": "2026-01-01T00:00:00+00:00", "id": "nope"}),
        unsigned({"k": "2026-01-01T00:00:00+00:00", "id": SOME_ID}),
    ],
    ids=["bad-id", "unsigned"],
)
def test_the_wishlist_refuses_a_forged_cursor(customer: Account, cursor: str) -> None:
    response = LambdaClient(wishlist_handler).get(
        "/wishlist", token=customer.token, query={"cursor": cursor}
    )

    assert_bad_cursor(response)


def test_books_page_on_past_the_longest_title(database_url: str) -> None:
    client = LambdaClient(books_handler)
    admin = create_access_token(uuid.uuid4(), "admin")[0]
    for isbn, letter in [("9780261102217", "\U0001d538"), ("9780261103573", "\U0001d539")]:
        body = {"isbn": isbn, "title": letter * 300, "author": "A", "genre": "G", "price": "1.00"}
        assert client.post("/books", token=admin, json_body=body).status_code == 201

    first = client.get("/books", query={"limit": "1"}).json()
    second = client.get("/books", query={"limit": "1", "cursor": first["next_cursor"]})

    assert second.status_code == 200
    assert second.json()["items"][0]["title"] == "\U0001d539" * 300


@pytest.mark.parametrize(
    ("handler", "path", "query"),
    [
        (books_handler, "/books", {"sort": "price", "cursor": books_cursor("title", "A")}),
        (books_handler, "/books", {"cursor": unsigned({"id": SOME_ID})}),
        (wishlist_handler, "/wishlist", {"cursor": unsigned({"id": SOME_ID})}),
        (users_handler, "/users", {"cursor": unsigned({"id": SOME_ID})}),
    ],
    ids=["books-another-sort", "books-unsigned", "wishlist", "users"],
)
def test_a_bad_cursor_is_refused_before_any_database_is_asked(
    monkeypatch: pytest.MonkeyPatch, handler: Any, path: str, query: dict[str, str]
) -> None:
    # Nothing listens there: a list that took a connection first would answer 503.
    point_settings_at(f"postgresql://postgres@127.0.0.1:{free_loopback_port()}/none", monkeypatch)
    admin = create_access_token(uuid.uuid4(), "admin")[0]

    response = LambdaClient(handler).get(path, token=admin, query=query)

    assert_bad_cursor(response)
