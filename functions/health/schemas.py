from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class HealthPublic(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class DatabaseHealthPublic(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["connected"] = "connected"
    latency_ms: float


class ReadinessPublic(BaseModel):
    status: Literal["ready"] = "ready"
    database: Literal["connected"] = "connected"
    schema_revision: str
