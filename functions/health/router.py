from __future__ import annotations

from fastapi import APIRouter

from functions.health import service
from functions.health.schemas import DatabaseHealthPublic, HealthPublic, ReadinessPublic
from shared.errors import error_responses
from shared.http.app import NO_DATABASE
from shared.version import __version__

router = APIRouter(prefix="/health", tags=["health"])


@router.get(
    "", summary="Liveness: the function answers (no database access)", openapi_extra=NO_DATABASE
)
async def check_liveness() -> HealthPublic:
    return HealthPublic(version=__version__)


@router.get(
    "/db",
    summary="The database answers, and how fast",
    responses=error_responses(503),
)
async def check_database() -> DatabaseHealthPublic:
    return DatabaseHealthPublic(latency_ms=await service.check_database())


@router.get(
    "/ready",
    summary="Ready to serve: the database answers and its schema is at the migrations' head",
    responses=error_responses(503),
)
async def check_readiness() -> ReadinessPublic:
    return ReadinessPublic(schema_revision=await service.check_readiness())
