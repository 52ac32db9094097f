"""The wishlist through the real Wishlist handler: adding, removing, current details, privacy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.support.accounts import Account, make_account, make_book
from tests.support.databases import fetch, run
from tests.support.lambda_client import LambdaClient
from tests.wishlist.helpers import add, book_ids, delete_from_catalog, listed, stored_entries

UNKNOWN_BOOK = "0190a6f8-0000-7000-8000-000000000000"


def test_an_empty_wishlist_is_an_empty_last_page(client: LambdaClient, customer: Account) -> None:
    response = client.get("/wishlist", token=customer.token)

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_adding_a_book_is_201_with_the_entry_as_the_listing_shows_it(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, title="Dune", price="12.5", stock=3)

    response = add(any_client, customer, book)

    assert response.status_code == 201, response.body
    entry = response.json()
    assert entry == {
        "book_id": book,
        "title": "Dune",
        "author": "Ann Author",
        "price": "12.50",
        "available": True,
        "added_at": entry["added_at"],
    }
    added_at = datetime.fromisoformat(entry["added_at"])
    assert abs(datetime.now(UTC) - added_at) < timedelta(minutes=1)
    assert any_client.get("/wishlist", token=customer.token).json() == {
        "items": [entry],
        "next_cursor": None,
    }


def test_adding_a_book_again_is_200_and_keeps_the_entry_as_it_was(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)
    first = add(any_client, customer, book).json()

    again = add(any_client, customer, book)

    assert again.status_code == 200, again.body
    assert again.json() == first
    assert listed(any_client, customer) == [first]
    assert stored_entries(database_url) == 1


def test_removing_a_book_is_204_and_takes_it_out_of_the_listing(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    kept, removed = make_book(database_url), make_book(database_url)
    add(any_client, customer, kept)
    add(any_client, customer, removed)

    response = any_client.delete(f"/wishlist/{removed}", token=customer.token)

    assert response.status_code == 204
    assert response.body == ""
    assert book_ids(listed(any_client, customer)) == [kept]


def test_removing_a_book_that_is_not_in_the_wishlist_is_404_wishlist_item_not_found(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)

    response = any_client.delete(f"/wishlist/{book}", token=customer.token)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "This book is not in the wishlist",
        "code": "WISHLIST_ITEM_NOT_FOUND",
        "field": "book_id",
    }


def test_an_unknown_book_is_404_book_not_found_and_writes_nothing(
    any_client: LambdaClient, customer: Account, database_url: str
) -> None:
    response = add(any_client, customer, UNKNOWN_BOOK)

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Book not found",
        "code": "BOOK_NOT_FOUND",
        "field": "book_id",
    }
    assert stored_entries(database_url) == 0


def test_the_wishlist_shows_the_current_title_author_and_price_after_a_catalog_change(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, title="Old title", price="10.00")
    add(client, customer, book)
    run(
        fetch(
            database_url,
            "UPDATE books SET title = 'New title', author = 'Bea Writer', price = 7.5 "
            "WHERE id = $1",
            book,
        )
    )

    [entry] = listed(client, customer)

    assert (entry["title"], entry["author"], entry["price"]) == ("New title", "Bea Writer", "7.50")
    assert add(client, customer, book).json()["price"] == "7.50"


def test_a_book_deleted_from_the_catalog_drops_out_and_cannot_be_added(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    kept, deleted = make_book(database_url), make_book(database_url)
    add(client, customer, kept)
    add(client, customer, deleted)
    delete_from_catalog(database_url, deleted)

    assert book_ids(listed(client, customer)) == [kept]
    assert add(client, customer, deleted).json()["code"] == "BOOK_NOT_FOUND"
    never_added = make_book(database_url)
    delete_from_catalog(database_url, never_added)
    assert add(client, customer, never_added).status_code == 404
    assert stored_entries(database_url) == 2


def test_the_entry_of_a_book_deleted_from_the_catalog_can_still_be_removed(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)
    add(client, customer, book)
    delete_from_catalog(database_url, book)

    assert client.delete(f"/wishlist/{book}", token=customer.token).status_code == 204
    assert stored_entries(database_url) == 0


def test_available_is_false_for_an_upcoming_book_and_for_no_stock_and_true_otherwise(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    today = datetime.now(UTC).date()
    books = {
        "upcoming": make_book(database_url, release_date=today + timedelta(days=1), stock=5),
        "no stock": make_book(database_url, stock=0),
        "released today": make_book(database_url, release_date=today, stock=1),
        "released long ago": make_book(database_url, release_date=date(2001, 1, 1), stock=2),
        "no release date": make_book(database_url, release_date=None, stock=9),
    }
    answered = {
        name: add(client, customer, book).json()["available"] for name, book in books.items()
    }

    listing = {item["book_id"]: item["available"] for item in listed(client, customer)}

    expected = {
        "upcoming": False,
        "no stock": False,
        "released today": True,
        "released long ago": True,
        "no release date": True,
    }
    assert answered == expected
    assert {name: listing[book] for name, book in books.items()} == expected


def test_available_follows_the_stock_as_it_is_now(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url, stock=1)
    add(client, customer, book)
    run(fetch(database_url, "UPDATE books SET stock = 0 WHERE id = $1", book))

    assert listed(client, customer)[0]["available"] is False


def test_each_user_sees_and_changes_only_their_own_wishlist(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    other = make_account(database_url)
    theirs, shared = make_book(database_url), make_book(database_url)
    add(client, other, theirs)
    add(client, other, shared)

    assert listed(client, customer) == []
    assert client.delete(f"/wishlist/{theirs}", token=customer.token).status_code == 404
    assert add(client, customer, shared).status_code == 201
    assert client.delete(f"/wishlist/{shared}", token=customer.token).status_code == 204
    assert book_ids(listed(client, other)) == [shared, theirs]


def test_every_wishlist_route_needs_a_token(client: LambdaClient, database_url: str) -> None:
    book = make_book(database_url)
    calls = [
        client.get("/wishlist"),
        client.put(f"/wishlist/{book}"),
        client.delete(f"/wishlist/{book}"),
        client.get("/wishlist", headers={"authorization": "Bearer not-a-token"}),
    ]

    assert [call.status_code for call in calls] == [401] * 4
    assert {call.json()["code"] for call in calls} == {"AUTH_INVALID_TOKEN"}
    assert all(call.headers["www-authenticate"] == "Bearer" for call in calls)


def test_a_valid_token_of_an_account_that_no_longer_exists_is_401_and_writes_nothing(
    client: LambdaClient, customer: Account, database_url: str
) -> None:
    book = make_book(database_url)
    run(fetch(database_url, "DELETE FROM users WHERE id = $1", customer.id))

    response = add(client, customer, book)

    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"
    assert response.headers["www-authenticate"] == "Bearer"
    assert stored_entries(database_url) == 0
