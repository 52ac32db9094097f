"""Typos forgiven word by word, across title, author and description, as search engines do: one
typo in a word of 5 to 8 letters, two from 9 letters, none below 5, the first letter kept."""

from __future__ import annotations

from typing import Any

import pytest

from functions.books.spelling import closest, typo_budget, typo_distance
from tests.books.helpers import AddBook
from tests.support.lambda_client import LambdaClient
from tests.support.pages import walk_items

CATALOG = [
    ("The Hobbit", "J. R. R. Tolkien", "Bilbo Baggins is swept into a quest for a dragon's treasure."),
    ("The Fellowship of the Ring", "J. R. R. Tolkien", "Frodo sets out from the Shire."),
    ("Harry Potter and the Philosopher's Stone", "J. K. Rowling", "A boy wizard goes to school."),
    ("Pride and Prejudice", "Jane Austen", "Elizabeth Bennet and Mr Darcy misjudge each other."),
    ("Wuthering Heights", "Emily Brontë", "Passion and revenge on the Yorkshire moors."),
    ("The Hound of the Baskervilles", "Arthur Conan Doyle", "Sherlock Holmes on the moor."),
    ("Frankenstein", "Mary Shelley", "A scientist makes a creature and abandons it."),
    ("Twenty Thousand Leagues Under the Sea", "Jules Verne", "Captain Nemo and the Nautilus."),
    ("Garden Potting", "Penny Potts", "Terracotta, compost and patience."),
    ("Hobbies for Rainy Days", "Tom Hobson", "Knitting, chess and model trains."),
]  # fmt: skip


@pytest.fixture
def catalog(add_book: AddBook) -> dict[str, dict[str, Any]]:
    return {
        title: add_book(title=title, author=author, description=description)
        for title, author, description in CATALOG
    }


def first_page(client: LambdaClient, q: str, **query: str) -> list[str]:
    response = client.get("/books", query={"q": q, **query})
    assert response.status_code == 200, response.body
    return [item["title"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("hobit", "The Hobbit"),
        ("hobit tolkein", "The Hobbit"),
        ("the hobit", "The Hobbit"),
        ("harry poter rowling", "Harry Potter and the Philosopher's Stone"),
        ("harry potter rowlign", "Harry Potter and the Philosopher's Stone"),
        ("felowship ring", "The Fellowship of the Ring"),
        ("fellowshpi tolkien", "The Fellowship of the Ring"),
        ("prejudise austen", "Pride and Prejudice"),
        ("wuthering hieghts", "Wuthering Heights"),
        ("baskervilels hound", "The Hound of the Baskervilles"),
        ("baskrevilels", "The Hound of the Baskervilles"),
        ("frankenstien", "Frankenstein"),
        ("sherlok holmes", "The Hound of the Baskervilles"),
        ("leagues vernne", "Twenty Thousand Leagues Under the Sea"),
        ("dragon treasure", "The Hobbit"),
        ("tolk", "The Hobbit"),
        ("hobbit tolk", "The Hobbit"),
    ],
)
def test_a_misspelled_query_finds_its_book_on_the_first_page(
    client: LambdaClient, catalog: dict[str, Any], q: str, title: str
) -> None:
    assert title in first_page(client, q)


@pytest.mark.parametrize(
    "q",
    ["xqzvw", "qwrtplkj mnbvc", "zzzzzzzzzz", "hobbit xqzvwk", "ybbohz", "obbit"],
)
def test_random_letters_find_nothing(client: LambdaClient, catalog: dict[str, Any], q: str) -> None:
    assert first_page(client, q) == []


def test_a_word_as_typed_ranks_above_a_corrected_one(
    client: LambdaClient, catalog: dict[str, Any]
) -> None:
    # "potts" is a known word (an author); "potter" is one typo away and also matches.
    assert first_page(client, "potts")[0] == "Garden Potting"


def test_a_title_match_ranks_above_an_author_match_above_a_description_match(
    client: LambdaClient, add_book: AddBook
) -> None:
    add_book(title="Notes", author="Ann Author", description="The moorland in winter.")
    add_book(title="Letters", author="Tom Moorland", description="Plain words.")
    add_book(title="Moorland Walks", author="Ann Author", description="Plain words.")

    assert first_page(client, "moorlnd")[:3] == ["Moorland Walks", "Letters", "Notes"]


def test_a_trailing_space_ends_the_last_word_so_it_no_longer_matches_as_a_prefix(
    client: LambdaClient, catalog: dict[str, Any]
) -> None:
    assert "The Hobbit" in first_page(client, "hobbit tolk")
    assert first_page(client, "hobbit tolk ") == []


def test_a_short_word_is_never_corrected(client: LambdaClient, catalog: dict[str, Any]) -> None:
    # "hobt" is four letters: no typo allowed, and no title is close enough to it as a whole.
    assert first_page(client, "hobt tolkien") == []


def test_the_first_letter_is_never_taken_for_a_typo(
    client: LambdaClient, catalog: dict[str, Any]
) -> None:
    assert first_page(client, "tolkien jobbit") == []


def test_every_filter_and_sort_keeps_working_with_a_corrected_query(
    client: LambdaClient, catalog: dict[str, Any]
) -> None:
    assert first_page(client, "tolkein", sort="title") == [
        "The Fellowship of the Ring",
        "The Hobbit",
    ]
    both = ["The Fellowship of the Ring", "The Hobbit"]
    assert first_page(client, "tolkein", author="tolkien", genre="fiction", sort="title") == both
    assert first_page(client, "tolkein", sort="-title") == list(reversed(both))
    assert first_page(client, "tolkein", genre="poetry") == []
    assert first_page(client, "tolkein", max_price="5.00") == []


def test_the_relevance_cursor_pages_through_a_corrected_query_without_repeats(
    client: LambdaClient, add_book: AddBook
) -> None:
    made = {add_book(title=f"Dragon Tales {n}", author="Ann Author")["id"] for n in range(7)}
    made |= {add_book(title=f"Tales {n}", description="dragons everywhere")["id"] for n in range(5)}

    items = walk_items(client, "/books", {"q": "dragno"}, limit=3)

    assert [item["id"] for item in items if item["id"] in made] == [item["id"] for item in items]
    assert len(items) == len({item["id"] for item in items}) == len(made)
    titled = [item["title"] for item in items[:7]]
    assert all(title.startswith("Dragon Tales") for title in titled)


def test_a_book_added_later_brings_its_words_into_the_vocabulary(
    client: LambdaClient, add_book: AddBook
) -> None:
    assert first_page(client, "zanzibra") == []

    add_book(title="Zanzibar Nights", author="Ann Author")

    assert first_page(client, "zanzibra") == ["Zanzibar Nights"]


def test_a_changed_title_brings_its_words_into_the_vocabulary(
    client: LambdaClient, add_book: AddBook, admin_token: str
) -> None:
    book = add_book(title="Untitled")
    client.patch(f"/books/{book['id']}", json_body={"title": "Quetzalcoatl"}, token=admin_token)

    assert first_page(client, "quetzalcoatle") == ["Quetzalcoatl"]


@pytest.mark.parametrize(
    ("word", "budget"), [("cat", 0), ("hobt", 0), ("hobit", 1), ("tolkein", 1), ("fellowshp", 2)]
)
def test_the_typo_budget_grows_with_the_words_length(word: str, budget: int) -> None:
    assert typo_budget(word) == budget


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("tolkein", "tolkien", 1),
        ("hobit", "hobbit", 1),
        ("rowlign", "rowling", 1),
        ("poter", "potter", 1),
        ("baskrevilels", "baskervilles", 2),
        ("kitten", "sitting", 3),
        ("same", "same", 0),
    ],
)
def test_a_swap_of_neighbours_counts_as_one_typo(a: str, b: str, distance: int) -> None:
    assert typo_distance(a, b) == distance


def test_only_the_closest_candidates_within_budget_are_kept() -> None:
    assert closest("tolkein", ["tolkien", "tolkiens", "toolkit", "tolkeinn"]) == (
        "tolkeinn",
        "tolkien",
    )
    assert closest("hobit", ["hobbits", "orbit", "robin"]) == ()
