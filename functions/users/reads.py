"""The caller's account and the admins' list of accounts, read without an ORM session.

Both map one statement's rows straight to `UserPublic`, so they run on SQLAlchemy Core through
`reading()`: the function's first request, `GET /users/me`, never imports the ORM.
"""

from __future__ import annotations

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from functions.users.schemas import AccountPublic, UserPublic
from shared.auth.principal import Principal
from shared.db.access import OPERATIONS, as_caller
from shared.db.compiled import CompiledStatement, reading
from shared.db.tables.identities import user_identities
from shared.db.tables.users import users
from shared.domain.errors import AccountUnavailableError
from shared.http.pagination import Page, PageParams, id_cursor_of, page_of_rows

_PUBLIC_COLUMNS = (users.c.id, users.c.email, users.c.full_name, users.c.role, users.c.created_at)

# A valid token whose account is gone or disabled is no longer valid: both find no row.
_PROVIDERS = (
    select(
        func.array_agg(aggregate_order_by(user_identities.c.provider, user_identities.c.provider))
    )
    .where(user_identities.c.user_id == users.c.id)
    .scalar_subquery()
)
_ACTIVE_ACCOUNT = CompiledStatement(
    select(
        *_PUBLIC_COLUMNS,
        users.c.has_password,
        _PROVIDERS.label("providers"),
    ).where(users.c.id == bindparam("user_id"), users.c.is_active)
)

# In id order, which is time order: a page never shifts when users register meanwhile.
_FIRST_PAGE = CompiledStatement(
    select(*_PUBLIC_COLUMNS).order_by(users.c.id).limit(bindparam("limit", type_=Integer()))
)
_PAGE_AFTER = CompiledStatement(
    select(*_PUBLIC_COLUMNS)
    .where(users.c.id > bindparam("after"))
    .order_by(users.c.id)
    .limit(bindparam("limit", type_=Integer()))
)


async def current_account(*, principal: Principal) -> AccountPublic:
    async with reading(as_caller(principal.user_id)) as reader:
        row = await reader.fetchrow(_ACTIVE_ACCOUNT, user_id=principal.user_id)
    if row is None:
        raise AccountUnavailableError()
    values = dict(row)
    has_password, providers = values.pop("has_password"), values.pop("providers")
    return AccountPublic.of(
        UserPublic.model_validate(values), has_password=has_password, providers=providers or []
    )


async def list_users(*, page: PageParams) -> Page[UserPublic]:
    # A cursor this server did not write is refused before a connection is taken.
    after = page.after_id()
    async with reading(OPERATIONS) as reader:
        if after is None:
            rows = await reader.fetch(_FIRST_PAGE, limit=page.limit + 1)
        else:
            rows = await reader.fetch(_PAGE_AFTER, after=after, limit=page.limit + 1)
    return page_of_rows(Page[UserPublic], rows, page.limit, id_cursor_of)
