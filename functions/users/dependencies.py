from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path

from functions.users import errors, repository
from shared.db.session import SessionDep
from shared.models import User


async def valid_user_id(
    user_id: Annotated[uuid.UUID, Path(description="The user's id")], session: SessionDep
) -> User:
    user = await repository.get_user(session, user_id)
    if user is None:
        raise errors.user_not_found()
    return user


UserByIdDep = Annotated[User, Depends(valid_user_id)]
