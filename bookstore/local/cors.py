"""API Gateway's CORS for HTTP APIs, as the local runner applies it.

The rules are the HttpApi's CorsConfiguration in template.yaml; the origins come from the
ALLOWED_ORIGINS setting, since the stack parameter they come from in AWS resolves only there. As
API Gateway does: a preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered
here, 204, and reaches no function; it carries the CORS headers only when the origin, the method
and every requested header are allowed. Any other request from an allowed origin gets
Access-Control-Allow-Origin and -Expose-Headers added to the function's answer, in place of any
CORS header the function set. Without origins there are no rules at all: an OPTIONS request then
reaches the function like any other request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PREFLIGHT_STATUS = 204
_ANY = "*"


def _lower(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(value.strip().lower() for value in values)


@dataclass(frozen=True)
class CorsRules:
    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @classmethod
    def from_template(
        cls, configuration: Mapping[str, Any] | None, origins: Sequence[str]
    ) -> CorsRules | None:
        """The rules of the template's CorsConfiguration for these origins; None without either."""
        if configuration is None or not origins:
            return None
        max_age = configuration.get("MaxAge")
        return cls(
            allow_origins=_lower(origins),
            allow_methods=tuple(method.upper() for method in configuration.get("AllowMethods", [])),
            allow_headers=_lower(configuration.get("AllowHeaders", [])),
            expose_headers=_lower(configuration.get("ExposeHeaders", [])),
            max_age=None if max_age is None else int(max_age),
            allow_credentials=configuration.get("AllowCredentials") is True,
        )

    def allowed_origin(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value answering this Origin, or None when refused."""
        if not origin:
            return None
        if _ANY in self.allow_origins and not self.allow_credentials:
            return _ANY
        lowered = origin.lower()
        for allowed in self.allow_origins:
            # `https://*` and `http://*` allow every origin of that scheme, as in API Gateway.
            if lowered == allowed or (
                allowed.endswith("://*") and lowered.startswith(allowed[:-1])
            ):
                return origin
        return None

    def is_preflight(self, method: str, headers: Mapping[str, str]) -> bool:
        """`headers` with lower-case names."""
        return (
            method.upper() == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        )

    def preflight_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """The headers of the 204 answering this preflight: none when it is refused."""
        origin = self.allowed_origin(headers.get("origin"))
        if origin is None:
            return {}
        method = headers.get("access-control-request-method", "").strip().upper()
        if _ANY not in self.allow_methods and method not in self.allow_methods:
            return {}
        requested = _lower(
            name
            for name in headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        )
        if _ANY not in self.allow_headers and not set(requested) <= set(self.allow_headers):
            return {}
        answer = self._origin_headers(origin)
        if self.allow_methods:
            answer["access-control-allow-methods"] = ",".join(self.allow_methods)
        if self.allow_headers:
            answer["access-control-allow-headers"] = ",".join(self.allow_headers)
        if self.max_age is not None:
            answer["access-control-max-age"] = str(self.max_age)
        return answer

    def response_headers(self, origin: str | None, headers: Mapping[str, str]) -> dict[str, str]:
        """A function's answer headers as API Gateway forwards them to this Origin."""
        answer = {
            name: value
            for name, value in headers.items()
            if not name.lower().startswith("access-control-")
        }
        allowed = self.allowed_origin(origin)
        if allowed is None:
            return answer
        cors = self._origin_headers(allowed)
        if self.expose_headers:
            cors["access-control-expose-headers"] = ",".join(self.expose_headers)
        vary = next((name for name in answer if name.lower() == "vary"), None)
        if vary is not None and "vary" in cors:
            varies = [part.strip() for part in answer[vary].split(",")]
            if "origin" not in {part.lower() for part in varies}:
                answer[vary] = ", ".join([*varies, "Origin"])
            del cors["vary"]
        return answer | cors

    def _origin_headers(self, origin: str) -> dict[str, str]:
        headers = {"access-control-allow-origin": origin}
        if origin != _ANY:
            # The answer depends on the Origin: caches must not serve it to another one.
            headers["vary"] = "Origin"
        if self.allow_credentials:
            headers["access-control-allow-credentials"] = "true"
        return headers
