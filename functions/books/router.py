from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from functions.books import service
from functions.books.listing import CatalogFilters, SortName
from functions.books.schemas import BookCreate, BookPublic, BookUpdate
from functions.books.search import MAX_QUERY_LENGTH, clean_query
from shared.auth.dependencies import AdminUser
from shared.db.session import SessionDep
from shared.errors import InvalidInputError, error_responses
from shared.money import MoneyIn
from shared.pagination import Page, PageParamsDep
from shared.responses import model_response

router = APIRouter(prefix="/books", tags=["books"])


async def catalog_filters(
    q: Annotated[
        str | None,
        Query(
            description="Words to search for in title, author and description, all required, "
            "ranked; a typo in a word is forgiven (one from 5 letters, two from 9, the first "
            "letter kept) and the last word also matches as a prefix unless followed by a space. "
            f"Blank means no search; only the first {MAX_QUERY_LENGTH} characters are used."
        ),
    ] = None,
    author: Annotated[
        str | None, Query(max_length=200, description="Part of the author's name, any case")
    ] = None,
    genre: Annotated[str | None, Query(max_length=50, description="Genre, any case")] = None,
    min_price: Annotated[MoneyIn | None, Query(description='At least this price, "12.99"')] = None,
    max_price: Annotated[
        MoneyIn | None,
        Query(description='At most this price, "12.99"; not below `min_price` (else 422)'),
    ] = None,
    available: Annotated[
        bool | None, Query(description="Released and in stock (true), or not (false)")
    ] = None,
    upcoming: Annotated[
        bool | None, Query(description="Release date in the future (true), or not (false)")
    ] = None,
) -> CatalogFilters:
    if min_price is not None and max_price is not None and min_price > max_price:
        raise InvalidInputError(("query", "max_price"), "max_price must not be below min_price")
    return CatalogFilters(
        q=clean_query(q),
        typing=q is not None and not q[-1:].isspace(),
        author=clean_query(author),
        genre=clean_query(genre),
        min_price=min_price,
        max_price=max_price,
        available=available,
        upcoming=upcoming,
    )


@router.get("", summary="Browse and search the catalog", response_model=Page[BookPublic])
async def list_books(
    page: PageParamsDep,
    filters: Annotated[CatalogFilters, Depends(catalog_filters)],
    sort: Annotated[
        SortName | None,
        Query(
            description="`relevance` (the default with `q`; without `q` it is `title`), "
            "`title` (the default otherwise), `-title`, `price`, `-price`, `release_date`, "
            "`-release_date`. Books without a release date come last either way."
        ),
    ] = None,
) -> Response:
    # Serialized once: FastAPI would turn the page into dicts and validate them all over again.
    return model_response(
        await service.list_books(filters=filters, sort=sort, limit=page.limit, cursor=page.cursor)
    )


@router.get(
    "/{book_id}", summary="One book", response_model=BookPublic, responses=error_responses(404)
)
async def get_book(book_id: uuid.UUID) -> Response:
    # The hot read: no session, and the model serialized once rather than checked again.
    return model_response(await service.get_book(book_id=book_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add a book (admin)",
    responses=error_responses(401, 403, 409),
)
async def create_book(session: SessionDep, admin: AdminUser, data: BookCreate) -> BookPublic:
    return await service.create_book(session, data=data)


@router.patch(
    "/{book_id}",
    summary="Change some fields of a book (admin)",
    responses=error_responses(401, 403, 404, 409),
)
async def update_book(
    session: SessionDep, admin: AdminUser, book_id: uuid.UUID, data: BookUpdate
) -> BookPublic:
    return await service.update_book(session, book_id=book_id, data=data)


@router.delete(
    "/{book_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Take a book out of the catalog (admin); orders that hold it keep their lines",
    responses=error_responses(401, 403, 404),
)
async def delete_book(session: SessionDep, admin: AdminUser, book_id: uuid.UUID) -> Response:
    await service.delete_book(session, book_id=book_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
