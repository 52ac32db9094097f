"""Walking a cursor-paginated listing to its end, the way every list test does.

Every listing answers `{"items": [...], "next_cursor": str | None}` and takes `limit` and `cursor`
query parameters. `walk_pages` follows `next_cursor` until it is null, checking each page on the
way, and answers every item and every page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.support.lambda_client import LambdaClient

Page = dict[str, Any]
BetweenPages = Callable[[Page], None]

# A walk that has not ended after this many pages is taken for a cursor that never runs out.
MAX_PAGES = 1_000


@dataclass(frozen=True)
class Walk:
    pages: list[Page]

    @property
    def items(self) -> list[dict[str, Any]]:
        """Every item of every page, in the order the pages answered them."""
        return [item for page in self.pages for item in page["items"]]


def walk_pages(
    client: LambdaClient,
    path: str,
    query: Mapping[str, str] | None = None,
    *,
    limit: int,
    token: str | None = None,
    between_pages: BetweenPages | None = None,
    max_pages: int = MAX_PAGES,
) -> Walk:
    """GETs `path` with `query` and `limit`, then again with each `next_cursor` until it is null.

    Asserts that every page is 200 and holds at most `limit` items, and that the walk ends: no
    cursor comes back twice and there are at most `max_pages` pages. A `cursor` in `query` starts
    the walk there. `between_pages`, when given, is called with each page that has a next one,
    before that next one is asked for (to change the data while a client is paging).
    """
    params = {**(query or {}), "limit": str(limit)}
    pages: list[Page] = []
    cursors_seen: set[str] = set()
    while True:
        response = client.get(path, query=params, token=token)
        assert response.status_code == 200, response.body
        page: Page = response.json()
        assert len(page["items"]) <= limit, f"page {len(pages) + 1} of {path} exceeds {limit}"
        pages.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return Walk(pages)
        assert cursor not in cursors_seen, f"{path} answered the cursor {cursor!r} twice"
        assert len(pages) < max_pages, f"{path} has more than {max_pages} pages"
        cursors_seen.add(cursor)
        if between_pages is not None:
            between_pages(page)
        params["cursor"] = cursor


def walk_items(
    client: LambdaClient,
    path: str,
    query: Mapping[str, str] | None = None,
    *,
    limit: int,
    token: str | None = None,
) -> list[dict[str, Any]]:
    """Every item of every page of `path`; see `walk_pages`."""
    return walk_pages(client, path, query, limit=limit, token=token).items
