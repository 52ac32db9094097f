"""Pages written as JSON straight from database rows, for the hot lists.

`Page[Item]` builds and validates an `Item` for every row, then walks them all again to write
JSON. For rows the database has already typed, that validation proves nothing, and it costs a
catalog page a share of its query's time (bench/RESULTS.md). `RowPages`
writes the same JSON, byte for byte, from the rows themselves: through a TypedDict that carries
each of `Item`'s fields with its type and its serializers, so the schema stays written once, on
the model (which the route keeps as its `response_model` for the OpenAPI document).

Only a model whose JSON is its fields' JSON can be written this way: one with an alias, a
computed field or a serializer of its own is refused when its `RowPages` is made. A row value of
another type than its field, or a row without one of the fields, raises rather than writing
something else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, TypedDict

from pydantic import BaseModel, TypeAdapter

from shared.http.pagination import split_page
from shared.runtime.warmup import defer


class _RowPage[Row](TypedDict):
    items: list[Row]
    next_cursor: str | None


class RowPages[Item: BaseModel]:
    """JSON pages of `Item`s from rows holding at least `Item`'s fields (others are left out)."""

    def __init__(self, item: type[Item]) -> None:
        self.item = item
        self._row = _row_type(item)
        self._fields = frozenset(item.model_fields)
        defer("page", item.__name__, lambda: self._adapter, lambda: self.built)

    @cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        # Built by the first page (or before a SnapStart snapshot), as a read is compiled by its
        # first use: time a function's start need not pay.
        return TypeAdapter(_RowPage[self._row])  # type: ignore[name-defined]

    @property
    def built(self) -> bool:
        return "_adapter" in vars(self)

    def json(
        self,
        rows: Sequence[Mapping[str, Any]],
        limit: int,
        cursor_of: Callable[[Mapping[str, Any]], str],
    ) -> bytes:
        """`shared.http.pagination.split_page` of these rows, as `Page[Item]` writes it."""
        items, next_cursor = split_page(rows, limit, cursor_of)
        # Rows of one statement share their keys: zipping them in is cheaper than dict().
        names = tuple(items[0].keys()) if items else ()
        if items and not self._fields.issubset(names):
            # The model would have refused such a row; its JSON would just lack the field.
            missing = ", ".join(sorted(self._fields.difference(names)))
            raise ValueError(f"rows for {self.item.__name__} lack {missing}")
        page = {
            "items": [dict(zip(names, row.values(), strict=True)) for row in items],
            "next_cursor": next_cursor,
        }
        return self._adapter.dump_json(page, warnings="error")


def _row_type(model: type[BaseModel]) -> Any:
    decorators = model.__pydantic_decorators__
    if decorators.field_serializers or decorators.model_serializers:
        raise TypeError(f"{model.__name__} has serializers of its own: write its pages as models")
    if model.model_computed_fields:
        raise TypeError(f"{model.__name__} has computed fields: write its pages as models")
    if any(key.startswith("ser_json") for key in model.model_config):
        raise TypeError(f"{model.__name__} configures its JSON: write its pages as models")
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.alias is not None or field.serialization_alias is not None or field.exclude:
            raise TypeError(f"{model.__name__}.{name} is renamed or left out in its JSON")
        # The metadata holds the field's serializers (MoneyOut's two places) and constraints.
        annotation = field.annotation
        fields[name] = Annotated[(annotation, *field.metadata)] if field.metadata else annotation
    return TypedDict(f"{model.__name__}Row", fields)  # type: ignore[operator]
