from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared.http.pagination import encode_cursor
from tests.books.helpers import AddBook, ids, walk
from tests.support.lambda_client import LambdaClient
from tests.support.pages import Page, walk_pages

SORTS = ["title", "-title", "price", "-price", "release_date", "-release_date"]
TODAY = datetime.now(UTC).date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def catalog(add_book: AddBook) -> list[dict[str, Any]]:
    """Eleven books with repeated prices and dates, missing dates, and upcoming titles."""
    specs = [
        ("Kestrel", "Mary Shelley", "Horror", "9.99", 3, day(-400)),
        ("Anchor", "Ann Lee", "Fiction", "12.00", 0, day(-30)),
        ("Lantern", "Ann Lee", "Fiction", "12.00", 2, None),
        ("Meadow", "Bob Stone", "Poetry", "5.50", 1, day(10)),
        ("Bramble", "Bob Stone", "Poetry", "25.00", 0, day(30)),
        ("Ember", "Cleo Brandt", "fantasy", "12.00", 9, day(-30)),
        ("Falcon", "Cleo Brandt", "Fantasy", "0.00", 4, None),
        ("Harbor", "Dan O'Neil", "History", "99.00", 7, day(0)),
        ("Juniper", "Eve 100% Real", "Fiction", "15.75", 1, day(-1)),
        ("Cobalt", "Fay_Underscore", "Science", "12.00", 6, day(10)),
        ("Dune Road", "Gus Grey", "Travel", "7.00", 0, None),
    ]
    return [
        add_book(
            title=title, author=author, genre=genre, price=price, stock=stock, release_date=release
        )
        for title, author, genre, price, stock, release in specs
    ]


def expected_order(books: list[dict[str, Any]], sort: str) -> list[str]:
    field = sort.lstrip("-")
    descending = sort.startswith("-")

    def key(book: dict[str, Any]) -> tuple[Any, ...]:
        value = book[field]
        if field == "price":
            value = Decimal(value)
        if field == "release_date":
            # Missing dates last either way: rank them past every date in the sort direction.
            return (value is None, value or "", uuid.UUID(book["id"]))
        return (value, uuid.UUID(book["id"]))

    ordered = sorted(books, key=key, reverse=descending)
    if field == "release_date" and descending:
        dated = [b for b in ordered if b["release_date"] is not None]
        undated = [b for b in ordered if b["release_date"] is None]
        ordered = dated + undated
    return ids(ordered)


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_orders_the_whole_catalog_across_pages(
    client: LambdaClient, catalog: list[dict[str, Any]], sort: str
) -> None:
    assert ids(walk(client, {"sort": sort})) == expected_order(catalog, sort)


def test_the_default_order_is_by_title(client: LambdaClient, catalog: list[dict[str, Any]]) -> None:
    assert ids(walk(client, {})) == expected_order(catalog, "title")


def test_the_default_page_is_twenty_books_and_limit_is_capped(
    client: LambdaClient, add_book: AddBook
) -> None:
    for _ in range(21):
        add_book()

    page = client.get("/books").json()

    assert len(page["items"]) == 20
    assert page["next_cursor"] is not None
    assert client.get("/books", query={"limit": "101"}).json()["field"] == "limit"
    assert client.get("/books", query={"limit": "0"}).status_code == 422


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"author": "ann"}, {"Anchor", "Lantern"}),
        ({"author": "BRANDT"}, {"Ember", "Falcon"}),
        ({"author": "100%"}, {"Juniper"}),
        ({"author": "n%e"}, set()),
        ({"author": "y_u"}, {"Cobalt"}),
        ({"author": "b_s"}, set()),
        ({"author": "  "}, None),
        ({"genre": "fantasy"}, {"Ember", "Falcon"}),
        ({"genre": "Poetry"}, {"Meadow", "Bramble"}),
        ({"min_price": "12", "max_price": "15.75"}, {"Anchor", "Lantern", "Ember", "Cobalt", "Juniper"}),
        ({"min_price": "99.00"}, {"Harbor"}),
        ({"max_price": "0"}, {"Falcon"}),
        ({"available": "true"}, {"Kestrel", "Lantern", "Ember", "Falcon", "Harbor", "Juniper"}),
        ({"available": "false"}, {"Anchor", "Meadow", "Bramble", "Cobalt", "Dune Road"}),
        ({"upcoming": "true"}, {"Meadow", "Bramble", "Cobalt"}),
        ({"upcoming": "false", "genre": "fiction"}, {"Anchor", "Lantern", "Juniper"}),
        ({"upcoming": "true", "available": "false", "max_price": "10"}, {"Meadow"}),
        ({"author": "stone", "sort": "-price"}, {"Bramble", "Meadow"}),
    ],
)  # fmt: skip
def test_filters_select_exactly_the_matching_books(
    client: LambdaClient,
    catalog: list[dict[str, Any]],
    query: dict[str, str],
    titles: set[str] | None,
) -> None:
    expected = titles if titles is not None else {book["title"] for book in catalog}

    assert {item["title"] for item in walk(client, query, limit=2)} == expected


def test_a_filtered_sort_keeps_its_order(
    client: LambdaClient, catalog: list[dict[str, Any]]
) -> None:
    items = walk(client, {"genre": "fiction", "sort": "-price"}, limit=1)

    fiction = [book for book in catalog if book["genre"] == "Fiction"]
    assert ids(items) == expected_order(fiction, "-price")
    assert [item["price"] for item in items] == ["15.75", "12.00", "12.00"]


@pytest.mark.parametrize("sort", SORTS)
def test_paging_while_books_are_added_visits_every_original_book_once(
    client: LambdaClient, add_book: AddBook, catalog: list[dict[str, Any]], sort: str
) -> None:
    inserts = itertools.count(1)

    def add_one_passed_and_one_ahead(page: Page) -> None:
        # One that sorts first (already passed) and one that sorts last (still ahead).
        n = next(inserts)
        add_book(title=f"Aaa {n}", price="0.00", release_date=day(-9000 - n))
        add_book(title=f"Zzz {n}", price="99999.00", release_date=day(9000 + n))

    seen = walk_pages(
        client, "/books", {"sort": sort}, limit=3, between_pages=add_one_passed_and_one_ahead
    ).items

    assert len(ids(seen)) == len(set(ids(seen)))
    assert set(ids(catalog)) <= set(ids(seen))


def test_paging_while_books_are_deleted_skips_nothing_left(
    client: LambdaClient, admin_token: str, catalog: list[dict[str, Any]]
) -> None:
    first = client.get("/books", query={"limit": "4"}).json()
    for book in first["items"][:2]:
        client.delete(f"/books/{book['id']}", token=admin_token)

    rest = walk(client, {"cursor": first["next_cursor"]})

    assert ids(first["items"]) + ids(rest) == expected_order(catalog, "title")


def cursor(sort: str, key: Any, last_id: Any = None, **extra: Any) -> str:
    return encode_cursor({"s": sort, "k": key, "id": last_id or str(uuid.uuid4()), **extra})


@pytest.mark.parametrize(
    ("sort", "bad_cursor"),
    [
        ("price", "not base64 !"),
        ("price", cursor("price", "abc")),
        ("price", cursor("price", "1.00", "nope")),
        ("price", cursor("price", "1.00", 5)),
        ("price", cursor("price", 1.5)),
        ("price", cursor("price", "Infinity")),
        ("release_date", cursor("release_date", "someday")),
        ("relevance", cursor("relevance", "high")),
        ("title", cursor("title", "nul\x00")),
        ("title", cursor("title", "\ud800")),
        ("title", cursor("title", "A", extra=1)),
        ("title", encode_cursor({"k": "Anchor", "id": str(uuid.uuid4())})),
    ],
)
def test_a_bad_or_forged_cursor_is_422_on_the_cursor_field(
    client: LambdaClient, database_url: str, sort: str, bad_cursor: str
) -> None:
    response = client.get("/books", query={"sort": sort, "q": "x", "cursor": bad_cursor})

    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


def test_a_cursor_from_another_sort_is_refused(
    client: LambdaClient, catalog: list[dict[str, Any]]
) -> None:
    cursor = client.get("/books", query={"sort": "price", "limit": "2"}).json()["next_cursor"]

    response = client.get("/books", query={"sort": "title", "cursor": cursor})

    assert response.status_code == 422
    assert response.json()["field"] == "cursor"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"sort": "author"}, "sort"),
        ({"available": "maybe"}, "available"),
        ({"upcoming": "2"}, "upcoming"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "1.234"}, "max_price"),
        ({"min_price": "20", "max_price": "10"}, "max_price"),
        ({"author": "a" * 201}, "author"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(
    client: LambdaClient, database_url: str, query: dict[str, str], field: str
) -> None:
    response = client.get("/books", query=query)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == field


def test_unknown_query_parameters_are_ignored(
    client: LambdaClient, catalog: list[dict[str, Any]]
) -> None:
    response = client.get("/books", query={"colour": "red", "limit": "50"})

    assert response.status_code == 200
    assert len(response.json()["items"]) == len(catalog)


@pytest.mark.parametrize("query", [{"sort": "price"}, {"q": "ann lee"}], ids=["sorted", "searched"])
def test_a_page_is_written_byte_for_byte_as_its_books_read_one_by_one(
    client: LambdaClient, catalog: list[dict[str, Any]], query: dict[str, str]
) -> None:
    listing = client.get("/books", query={**query, "limit": "100"})
    listed = [book["id"] for book in listing.json()["items"]]
    assert listed, "the query must list books"
    alone = [client.get(f"/books/{book_id}").body for book_id in listed]
    assert listing.body == '{"items":[' + ",".join(alone) + '],"next_cursor":null}'
