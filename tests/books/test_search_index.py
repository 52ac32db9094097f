"""The search index follows the catalog: postings and vocabulary change with every book written,
changed or deleted, and a search reads a word's books in rank order, page after page."""

from __future__ import annotations

import pytest

from tests.books.helpers import AddBook, ids, walk
from tests.support.databases import sql
from tests.support.lambda_client import LambdaClient


def titles(client: LambdaClient, q: str) -> list[str]:
    response = client.get("/books", query={"q": q})
    assert response.status_code == 200, response.body
    return [item["title"] for item in response.json()["items"]]


def vocabulary(database_url: str, *words: str) -> dict[str, int]:
    rows = sql(
        database_url,
        "SELECT word, books FROM search_words WHERE word = ANY($1::text[])",
        list(words),
    )
    return {row["word"]: row["books"] for row in rows}


def test_a_changed_title_is_found_by_its_new_words_and_no_longer_by_its_old_ones(
    client: LambdaClient, add_book: AddBook, admin_token: str
) -> None:
    book = add_book(title="Marmalade Skies", description="A book.")
    client.patch(f"/books/{book['id']}", json_body={"title": "Quince Rivers"}, token=admin_token)

    assert titles(client, "quince ") == ["Quince Rivers"]
    assert titles(client, "marmalade ") == []


def test_a_deleted_book_leaves_the_search_and_takes_its_own_words_out_of_the_vocabulary(
    client: LambdaClient, add_book: AddBook, admin_token: str, database_url: str
) -> None:
    book = add_book(title="Zephyrine Tales", author="Ann Author")
    add_book(title="Other Tales", author="Ann Author")
    assert vocabulary(database_url, "zephyrine", "tales") == {"zephyrine": 1, "tales": 2}

    client.delete(f"/books/{book['id']}", token=admin_token)

    assert titles(client, "zephyrine ") == []
    assert vocabulary(database_url, "zephyrine", "tales") == {"tales": 1}


def test_a_word_no_book_holds_any_more_leaves_the_vocabulary_when_a_title_changes(
    client: LambdaClient, add_book: AddBook, admin_token: str, database_url: str
) -> None:
    book = add_book(title="Xylophone Dreams")
    client.patch(f"/books/{book['id']}", json_body={"title": "Quiet Dreams"}, token=admin_token)

    assert vocabulary(database_url, "xylophone", "quiet", "dreams") == {"quiet": 1, "dreams": 1}
    # No correction leads to the word any more.
    assert titles(client, "xylophoen ") == []


def test_a_word_being_typed_finds_the_books_of_the_words_it_begins(
    client: LambdaClient, add_book: AddBook
) -> None:
    add_book(title="The Lantern Keeper")
    add_book(title="Lanterns at Dusk")
    add_book(title="A Lane in Spring")

    assert sorted(titles(client, "lant")) == ["Lanterns at Dusk", "The Lantern Keeper"]
    assert sorted(titles(client, "lan")) == [
        "A Lane in Spring",
        "Lanterns at Dusk",
        "The Lantern Keeper",
    ]


def test_every_other_word_of_a_query_is_required(client: LambdaClient, add_book: AddBook) -> None:
    add_book(title="Harbor Lights", description="A lighthouse keeper and her cat.")
    add_book(title="Harbor Nights", description="A sailor and his dog.")
    add_book(title="City Lights", description="A cat in the city.")

    assert titles(client, "harbor cat ") == ["Harbor Lights"]
    assert titles(client, "cat lighthouse harbor lights ") == ["Harbor Lights"]


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_the_pages_of_a_common_word_visit_every_match_once_in_rank_order(
    client: LambdaClient, add_book: AddBook, limit: int
) -> None:
    in_titles = [add_book(title=f"Comet {n}") for n in range(5)]
    by_author = [add_book(title=f"Sky {n}", author="Comet Jones") for n in range(4)]
    in_descriptions = [add_book(title=f"Night {n}", description="A comet.") for n in range(6)]
    add_book(title="Unrelated")

    seen = walk(client, {"q": "comet"}, limit=limit)

    newest_first = [ids(group)[::-1] for group in (in_titles, by_author, in_descriptions)]
    assert ids(seen) == [book_id for group in newest_first for book_id in group]
