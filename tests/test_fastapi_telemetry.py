"""FastAPI's own OpenTelemetry instrumentation is off unless FASTAPI_TELEMETRY=true asks for it,
even where an OpenTelemetry tracer provider is set."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter
from opentelemetry import trace

from bookstore.events import http_api_event
from bookstore.lambda_context import LocalLambdaContext
from shared.http.app import FASTAPI_TELEMETRY_VARIABLE, NO_DATABASE, create_app
from shared.runtime.handler import create_handler


class RecordingTracer(trace.NoOpTracer):
    def __init__(self) -> None:
        self.spans: list[str] = []

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        self.spans.append(name)
        return super().start_span(name, *args, **kwargs)


class RecordingProvider(trace.TracerProvider):
    def __init__(self) -> None:
        self.tracer = RecordingTracer()

    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        return self.tracer


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> RecordingProvider:
    # As an OpenTelemetry Lambda layer would set it, without making it global for other tests.
    recording = RecordingProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: recording)
    return recording


def spans_of_one_request(provider: RecordingProvider) -> list[str]:
    router = APIRouter(prefix="/otel")

    @router.get("/ping", openapi_extra=NO_DATABASE)
    async def ping() -> dict[str, str]:
        return {"answer": "pong"}

    handler = create_handler(create_app("otel", router, title="telemetry"))
    response = handler(http_api_event("GET", "/otel/ping"), LocalLambdaContext())
    assert response["statusCode"] == 200
    return provider.tracer.spans


def test_fastapi_records_no_span_by_default(
    provider: RecordingProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FASTAPI_TELEMETRY_VARIABLE, raising=False)
    assert spans_of_one_request(provider) == []


def test_fastapi_records_its_spans_when_asked(
    provider: RecordingProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FASTAPI_TELEMETRY_VARIABLE, "true")
    assert spans_of_one_request(provider) != []
