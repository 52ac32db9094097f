"""Pages written from rows keep to the model they stand for, or refuse to be made."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_serializer,
)
from pydantic_core import PydanticSerializationError

from shared.domain.money import MoneyOut
from shared.http.pagination import Page
from shared.http.row_pages import RowPages


class Item(BaseModel):
    id: uuid.UUID
    name: str
    count: int


def rows(count: int) -> list[dict[str, Any]]:
    return [
        {"id": uuid.uuid4(), "name": f"né {n}\n", "count": n, "score": 0.5} for n in range(count)
    ]


def test_a_page_of_rows_is_the_json_of_the_models_page_and_leaves_other_columns_out() -> None:
    read = rows(3)
    written = RowPages(Item).json(read, 2, lambda row: f"after {row['count']}")
    expected = Page[Item](
        items=[Item.model_validate(row) for row in read[:2]], next_cursor="after 1"
    )
    assert written == expected.model_dump_json().encode()


class Priced(BaseModel):
    price: MoneyOut


def test_a_field_keeps_its_serializer() -> None:
    written = RowPages(Priced).json([{"price": Decimal("12.5")}], 20, str)
    assert written == b'{"items":[{"price":"12.50"}],"next_cursor":null}'


def test_the_last_page_has_no_cursor() -> None:
    def no_cursor(row: Any) -> str:
        raise AssertionError("the last page needs no cursor")

    assert RowPages(Item).json(rows(2), 2, no_cursor).endswith(b'"next_cursor":null}')


def test_a_row_value_of_another_type_raises_instead_of_being_written() -> None:
    read = [{"id": "not a uuid object", "name": "x", "count": 1}]
    with pytest.raises(PydanticSerializationError):
        RowPages(Item).json(read, 20, str)


def test_a_row_without_one_of_the_fields_raises_instead_of_leaving_it_out() -> None:
    with pytest.raises(ValueError, match="lack count, name"):
        RowPages(Item).json([{"id": uuid.uuid4()}], 20, str)


class Renamed(BaseModel):
    name: str = Field(serialization_alias="title")


class Computed(BaseModel):
    count: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def double(self) -> int:
        return self.count * 2


class Serialized(BaseModel):
    name: str

    @field_serializer("name")
    def _upper(self, name: str) -> str:
        return name.upper()


class Configured(BaseModel):
    model_config = ConfigDict(ser_json_timedelta="float")
    name: str


@pytest.mark.parametrize("model", [Renamed, Computed, Serialized, Configured])
def test_a_model_whose_json_is_not_its_fields_is_refused(model: type[BaseModel]) -> None:
    with pytest.raises(TypeError, match=model.__name__):
        RowPages(model)
