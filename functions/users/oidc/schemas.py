from __future__ import annotations

from typing import Annotated

from pydantic import Field

from functions.users.schemas import RequestModel

# A JWT as providers issue them (RS256 with a 2048-bit key is about 1 KB; room for many claims).
IdToken = Annotated[str, Field(min_length=1, max_length=16_384)]
Nonce = Annotated[str, Field(min_length=1, max_length=256)]


class IdTokenExchange(RequestModel):
    id_token: IdToken = Field(description="The ID token the provider's sign-in SDK returned")
    nonce: Nonce = Field(
        description="The nonce the client passed to the provider's sign-in; the token must carry it"
    )


class SignInCodeExchange(RequestModel):
    code: Annotated[str, Field(min_length=1, max_length=256)] = Field(
        description="The one-time code the callback added to the client's redirect_uri"
    )
