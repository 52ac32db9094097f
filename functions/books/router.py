from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import Field

from functions.books import service
from functions.books.catalog_query import CatalogFilters, SortName
from functions.books.schemas import BookCreate, BookPublic, BookUpdate
from functions.books.search import MAX_QUERY_LENGTH, clean_query
from shared.auth.dependencies import AdminUser
from shared.db.request_session import AdminSession
from shared.domain.money import MoneyIn
from shared.errors import InvalidInputError, error_responses
from shared.http.pagination import Page, PageParams
from shared.http.query_params import QueryModel
from shared.http.request_routes import RequestRoute

# RequestRoute: `GET /books` is called straight with its query, and writes its page itself.
router = APIRouter(prefix="/books", tags=["books"], route_class=RequestRoute)


class CatalogQuery(PageParams):
    """The query of `GET /books`: its page, filters and order, validated in one step."""

    q: str | None = Field(
        None,
        description="Words to search for in title, author and description, all required, "
        "ranked; a typo in a word is forgiven (one from 5 letters, two from 9, the first "
        "letter kept) and the last word also matches as a prefix unless followed by a space. "
        f"Blank means no search; only the first {MAX_QUERY_LENGTH} characters are used.",
    )
    author: str | None = Field(
        None, max_length=200, description="Part of the author's name, any case"
    )
    genre: str | None = Field(None, max_length=50, description="Genre, any case")
    min_price: MoneyIn | None = Field(None, description='At least this price, "12.99"')
    max_price: MoneyIn | None = Field(
        None, description='At most this price, "12.99"; not below `min_price` (else 422)'
    )
    available: bool | None = Field(None, description="Released and in stock (true), or not (false)")
    upcoming: bool | None = Field(
        None, description="Release date in the future (true), or not (false)"
    )
    sort: SortName | None = Field(
        None,
        description="`relevance` (the default with `q`; without `q` it is `title`), "
        "`title` (the default otherwise), `-title`, `price`, `-price`, `release_date`, "
        "`-release_date`. Books without a release date come last either way.",
    )

    def filters(self) -> CatalogFilters:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise InvalidInputError(("query", "max_price"), "max_price must not be below min_price")
        return CatalogFilters(
            q=clean_query(self.q),
            typing=self.q is not None and not self.q[-1:].isspace(),
            author=clean_query(self.author),
            genre=clean_query(self.genre),
            min_price=self.min_price,
            max_price=self.max_price,
            available=self.available,
            upcoming=self.upcoming,
        )


CatalogQueryDep = Annotated[CatalogQuery, Depends(QueryModel(CatalogQuery))]


@router.get("", summary="Browse and search the catalog", response_model=Page[BookPublic])
async def list_books(query: CatalogQueryDep) -> Response:
    page = await service.list_books(
        filters=query.filters(), sort=query.sort, limit=query.limit, cursor=query.cursor
    )
    return Response(page, media_type="application/json")


@router.get("/{book_id}", summary="One book", responses=error_responses(404))
async def get_book(book_id: uuid.UUID) -> BookPublic:
    return await service.get_book(book_id=book_id)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add a book (admin)",
    responses=error_responses(401, 403, 409),
)
async def create_book(session: AdminSession, admin: AdminUser, data: BookCreate) -> BookPublic:
    return await service.create_book(session, data=data)


@router.patch(
    "/{book_id}",
    summary="Change some fields of a book (admin)",
    responses=error_responses(401, 403, 404, 409),
)
async def update_book(
    session: AdminSession, admin: AdminUser, book_id: uuid.UUID, data: BookUpdate
) -> BookPublic:
    return await service.update_book(session, book_id=book_id, data=data)


@router.delete(
    "/{book_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Take a book out of the catalog (admin); orders that hold it keep their lines",
    responses=error_responses(401, 403, 404),
)
async def delete_book(session: AdminSession, admin: AdminUser, book_id: uuid.UUID) -> Response:
    await service.delete_book(session, book_id=book_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
