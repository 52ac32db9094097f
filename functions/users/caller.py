"""Who makes an attempt to log in or register: the source address and the user agent, for the
per-address limits (`functions.users.throttling`) and the log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

# A user agent is the client's to write: logged, but never more than this.
MAX_USER_AGENT_LENGTH = 256


@dataclass(frozen=True, slots=True)
class Caller:
    source_ip: str
    user_agent: str | None

    def log_fields(self) -> dict[str, str | None]:
        agent = self.user_agent[:MAX_USER_AGENT_LENGTH] if self.user_agent else None
        return {"source_ip": self.source_ip, "user_agent": agent}


async def caller_of(request: Request) -> Caller:
    """The source address is API Gateway's `sourceIp` (Mangum's `client`), which no header the
    client sends can change."""
    source_ip = request.client.host if request.client and request.client.host else "unknown"
    return Caller(source_ip=source_ip, user_agent=request.headers.get("user-agent"))


CallerDep = Annotated[Caller, Depends(caller_of)]
