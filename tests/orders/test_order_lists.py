"""GET /orders: the caller's orders newest first (every order for an admin), page by page."""

from __future__ import annotations

import pytest

from tests.orders.helpers import Shop, checkout
from tests.support.accounts import Account, make_account
from tests.support.lambda_client import LambdaClient
from tests.support.pages import walk_items, walk_pages


def place(client: LambdaClient, who: Account, shop: Shop) -> str:
    shop.fill_cart(who, {shop.book(): 1})
    response = checkout(client, who)
    assert response.status_code == 201, response.body
    order_id: str = response.json()["id"]
    return order_id


def test_a_customer_lists_only_their_own_orders_newest_first(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    other = make_account(shop.database_url)
    mine = [place(client, customer, shop) for _ in range(3)]
    place(client, other, shop)

    items = walk_items(client, "/orders", limit=2, token=customer.token)

    assert [item["id"] for item in items] == list(reversed(mine))
    assert all(len(item["items"]) == 1 for item in items)


def test_an_admin_lists_every_order_newest_first(
    client: LambdaClient, customer: Account, admin: Account, shop: Shop
) -> None:
    other = make_account(shop.database_url)
    placed = [place(client, who, shop) for who in (customer, other, customer)]

    items = walk_items(client, "/orders", limit=2, token=admin.token)

    assert [item["id"] for item in items] == list(reversed(placed))


def test_pages_stay_stable_while_new_orders_are_placed(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    older = [place(client, customer, shop) for _ in range(4)]

    def place_another(page: dict[str, object]) -> None:
        place(client, customer, shop)

    walk = walk_pages(client, "/orders", limit=2, token=customer.token, between_pages=place_another)

    assert [item["id"] for item in walk.items] == list(reversed(older))
    assert [len(page["items"]) for page in walk.pages] == [2, 2]


def test_a_page_holds_limit_orders_each_with_its_own_lines_in_cart_order(
    client: LambdaClient, customer: Account, shop: Shop
) -> None:
    first, second, third = (shop.book(price=price, stock=9) for price in ("1.50", "2.00", "10"))
    carts = [{third: 1, first: 2, second: 3}, {second: 1}, {first: 4, third: 2}]
    placed = []
    for cart in carts:
        shop.fill_cart(customer, cart)
        placed.append(checkout(client, customer).json())

    walk = walk_pages(client, "/orders", limit=2, token=customer.token)

    assert [len(page["items"]) for page in walk.pages] == [2, 1]
    assert walk.items == list(reversed(placed))
    assert [[line["book_id"] for line in order["items"]] for order in walk.items] == [
        list(cart) for cart in reversed(carts)
    ]
    assert all(
        client.get(f"/orders/{order['id']}", token=customer.token).json() == order
        for order in walk.items
    )


def test_a_customer_without_orders_gets_an_empty_page(
    client: LambdaClient, customer: Account
) -> None:
    response = client.get("/orders", token=customer.token)

    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"cursor": "not base64 at all"},
        {"cursor": "eyJpZCI6ICJub3QtYS11dWlkIn0"},
        {"cursor": "eyJzIjogInRpdGxlIiwgImlkIjogIngifQ"},
    ],
)
def test_a_bad_page_parameter_is_422(
    client: LambdaClient, customer: Account, query: dict[str, str]
) -> None:
    response = client.get("/orders", query=query, token=customer.token)

    assert response.status_code == 422
    assert response.json()["field"] == ("cursor" if "cursor" in query else "limit")


def test_listing_needs_a_token(client: LambdaClient) -> None:
    assert client.get("/orders").status_code == 401
