"""The Prebooks function's own domain errors (codes from API.md)."""

from __future__ import annotations

from shared.errors import ConflictError, NotFoundError


class PrebookNotFoundError(NotFoundError):
    """Also the answer for someone else's prebook."""

    default_code = "PREBOOK_NOT_FOUND"
    default_detail = "Prebook not found"
    default_field = "prebook_id"


class BookAlreadyReleasedError(ConflictError):
    default_code = "PREBOOK_BOOK_RELEASED"
    default_detail = "This book is already released: put it in the cart instead"
    default_field = "book_id"


class PrebookExistsError(ConflictError):
    default_code = "PREBOOK_EXISTS"
    default_detail = "You already have a pending prebook for this book"
    default_field = "book_id"


class PrebookNotCancellableError(ConflictError):
    default_code = "PREBOOK_NOT_CANCELLABLE"
    default_detail = "This prebook was fulfilled: cancel its order instead"
    default_field = "prebook_id"
