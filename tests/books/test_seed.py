from __future__ import annotations

from datetime import date

import pytest

from bookstore.catalog.generator import generate_catalog
from bookstore.catalog.plurals import plural
from bookstore.cli import main
from bookstore.seed import DEFAULT_COUNT, seed_catalog
from functions.books.isbn import normalise_isbn
from tests.books.helpers import walk
from tests.support.databases import fetch, run
from tests.support.lambda_client import LambdaClient


def catalog_stats(database_url: str) -> dict[str, int]:
    rows = run(
        fetch(
            database_url,
            """SELECT count(*) AS books, count(DISTINCT isbn) AS isbns,
                      count(DISTINCT genre) AS genres,
                      count(*) FILTER (WHERE stock = 0) AS out_of_stock,
                      count(*) FILTER (WHERE release_date > current_date) AS upcoming,
                      count(*) FILTER (WHERE updated_at > created_at) AS touched
               FROM books""",
        )
    )
    return dict(rows[0])


def test_the_sample_catalog_is_large_varied_and_loads_idempotently(
    client: LambdaClient, database_url: str
) -> None:
    assert seed_catalog() == DEFAULT_COUNT
    assert seed_catalog() == DEFAULT_COUNT

    stats = catalog_stats(database_url)
    assert stats["books"] == stats["isbns"] == DEFAULT_COUNT >= 500
    assert stats["genres"] >= 10
    assert stats["out_of_stock"] > 0
    assert stats["upcoming"] > 0
    assert stats["touched"] == 0


def test_every_sample_book_passes_the_apis_own_validation(
    client: LambdaClient, database_url: str
) -> None:
    seed_catalog(count=120)

    books = walk(client, {}, limit=100)

    assert len(books) == 120
    assert all(normalise_isbn(book["isbn"]) == book["isbn"] for book in books)
    assert all(1 <= len(book["title"]) <= 300 for book in books)


def test_a_newcomer_can_search_the_sample_catalog_at_once(
    client: LambdaClient, database_url: str
) -> None:
    seed_catalog()

    found = client.get("/books", query={"q": "hobit"}).json()["items"]

    assert found[0]["title"] == "The Hobbit"


def test_the_seed_command_loads_the_configured_database(database_url: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["seed", "--count", "50"])

    assert exit_.value.code == 0
    assert catalog_stats(database_url)["books"] == 50


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("Dragon", "Dragons"),
        ("Mountains", "Mountains"),
        ("Conspiracy", "Conspiracies"),
        ("Key", "Keys"),
        ("Fox", "Foxes"),
        ("Sorceress", "Sorceresses"),
        ("Kiss", "Kisses"),
        ("Life", "Lives"),
        ("Children", "Children"),
        ("Silk Road", "Silk Roads"),
    ],
)
def test_sample_titles_use_english_plurals(noun: str, expected: str) -> None:
    assert plural(noun) == expected


def test_no_sample_title_has_a_doubled_or_misspelt_plural() -> None:
    titles = [book.title for book in generate_catalog(5_000, today=date(2026, 11, 22))]

    misspelt = [
        title
        for title in titles
        for word in title.split()
        if word.endswith(("ss" + "s", "ys", "xs", "chs", "shs", "Childrens"))
        and word[-3:-1].lower() not in {"ay", "ey", "oy"}
    ]
    assert misspelt == []
