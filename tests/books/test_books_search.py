from __future__ import annotations

import itertools
from typing import Any

import pytest

from bookstore.events import http_api_event
from functions.books.app import handler
from tests.books.helpers import AddBook, ids, walk
from tests.support.lambda_client import LambdaClient, invoke
from tests.support.pages import Page, walk_pages


def titles(client: LambdaClient, **query: str) -> list[str]:
    response = client.get("/books", query=query)
    assert response.status_code == 200, response.body
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def shelf(add_book: AddBook) -> dict[str, dict[str, Any]]:
    books = [
        add_book(
            title="Quiet Fields",
            author="Nora Penn",
            description="A dragon, then another dragon: the dragons of the north.",
            genre="Fantasy",
            price="8.00",
        ),
        add_book(title="The Dragon Keeper", author="Lee Hart", genre="Fantasy", price="20.00"),
        add_book(title="Harvest Moon", author="Amy Dragon", genre="Poetry", price="14.00"),
        add_book(
            title="The Hobbit",
            author="J. R. R. Tolkien",
            description="There and back again.",
            genre="Fantasy",
            price="12.00",
            stock=0,
        ),
        add_book(title="The Wizard of the Marsh", author="Ola Berg", genre="Fantasy"),
        add_book(title="Kitchen Notes", author="Sam Cook", description="Recipes.", genre="Food"),
    ]
    return {book["title"]: book for book in books}


def test_a_title_match_ranks_above_an_author_match_above_a_description_match(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q="dragon") == ["The Dragon Keeper", "Harvest Moon", "Quiet Fields"]


def test_a_small_typo_in_a_title_still_finds_the_book(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q="hobit") == ["The Hobbit"]
    assert titles(client, q="The Hobbitt") == ["The Hobbit"]


def test_a_typo_in_an_author_name_still_finds_the_book(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q="tolkie") == ["The Hobbit"]


def test_words_are_matched_by_their_stem(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q="wizards") == ["The Wizard of the Marsh"]


def test_a_search_matches_nothing_unrelated(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q="submarine") == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"genre": "fantasy"}, ["The Dragon Keeper", "Quiet Fields"]),
        ({"author": "amy"}, ["Harvest Moon"]),
        ({"min_price": "10.00"}, ["The Dragon Keeper", "Harvest Moon"]),
        ({"max_price": "10.00"}, ["Quiet Fields"]),
        ({"available": "true", "genre": "poetry"}, ["Harvest Moon"]),
        ({"upcoming": "true"}, []),
        ({"upcoming": "false", "sort": "price"}, ["Quiet Fields", "Harvest Moon", "The Dragon Keeper"]),
        ({"sort": "-title"}, ["The Dragon Keeper", "Quiet Fields", "Harvest Moon"]),
    ],
)  # fmt: skip
def test_a_search_combines_with_every_filter_and_sort(
    client: LambdaClient,
    shelf: dict[str, dict[str, Any]],
    extra: dict[str, str],
    expected: list[str],
) -> None:
    assert titles(client, q="dragon", **extra) == expected


def test_a_search_combines_with_the_available_filter(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q="hobbit", available="false") == ["The Hobbit"]
    assert titles(client, q="hobbit", available="true") == []


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_a_blank_search_is_no_filter(
    client: LambdaClient, shelf: dict[str, dict[str, Any]], blank: str
) -> None:
    assert titles(client, q=blank, limit="50") == sorted(shelf)


def test_relevance_without_a_search_is_the_title_order(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, sort="relevance", limit="50") == sorted(shelf)


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        "dragon " * 2_000,
        "'; DROP TABLE books; --",
        'dragon & | ! :* <-> ( ) "unclosed',
        "!!! ::: &&&",
        "-dragon",
        "or",
        "the",
        "日本語の本 🐉 Ω≈ç√ café",
        "bell\x07 and tab\t",
        "%_\\",
    ],
)
def test_an_absurd_search_is_answered_never_a_500(
    client: LambdaClient, shelf: dict[str, dict[str, Any]], q: str
) -> None:
    response = client.get("/books", query={"q": q})

    assert response.status_code == 200, response.body
    assert isinstance(response.json()["items"], list)
    assert titles(client, q="hobbit") == ["The Hobbit"]


def test_a_search_with_a_nul_character_is_refused_naming_the_parameter(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    # PostgreSQL text cannot hold NUL; silently dropping it would search for something else.
    response = client.get("/books", query={"q": "nul\x00byte"})

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("VALIDATION_ERROR", "q")


def test_a_search_of_invalid_utf8_is_answered(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    response = invoke(handler, http_api_event("GET", "/books", query="q=%ED%A0%80%FF"))

    assert response.status_code == 200


def test_a_quoted_phrase_matches_the_phrase(
    client: LambdaClient, shelf: dict[str, dict[str, Any]]
) -> None:
    assert titles(client, q='"dragon keeper"') == ["The Dragon Keeper"]


def test_paging_a_ranked_search_while_matches_are_added_visits_each_once(
    client: LambdaClient, add_book: AddBook, shelf: dict[str, dict[str, Any]]
) -> None:
    originals = [add_book(title=f"Dragon Tale {n}", description="dragon") for n in range(9)]
    additions = itertools.count(1)

    def add_one_above_and_one_ahead(page: Page) -> None:
        n = next(additions)
        add_book(title=f"Dragon Dragon {n}", author="Dragon")  # ranks above every page
        add_book(title="Unrelated", description=f"a dragon {n}")  # ranks low, still ahead

    seen = walk_pages(
        client, "/books", {"q": "dragon"}, limit=2, between_pages=add_one_above_and_one_ahead
    ).items

    matching_before = {
        shelf[t]["id"] for t in ("The Dragon Keeper", "Harvest Moon", "Quiet Fields")
    }
    assert len(ids(seen)) == len(set(ids(seen)))
    assert matching_before | set(ids(originals)) <= set(ids(seen))


def test_a_ranked_search_pages_in_the_same_order_as_one_page(
    client: LambdaClient, add_book: AddBook, shelf: dict[str, dict[str, Any]]
) -> None:
    for n in range(7):
        add_book(title=f"Notes {n}", description="dragon " * (n % 3 + 1))

    whole = client.get("/books", query={"q": "dragon", "limit": "100"}).json()["items"]

    assert ids(walk(client, {"q": "dragon"}, limit=3)) == ids(whole)
