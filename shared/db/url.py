"""Where the database is: the configured URL, or a URL built from the Secrets Manager secret."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import URL, make_url

from shared.runtime.aws_secrets import get_secret_json
from shared.settings import Settings

_ASYNC_DRIVER = "postgresql+asyncpg"


def to_async_url(url: str | URL) -> URL:
    """Accept `postgres://`, `postgresql://` or `postgresql+asyncpg://` and answer the asyncpg form."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername not in {"postgres", "postgresql", _ASYNC_DRIVER}:
        raise ValueError(f"unsupported database driver {parsed.drivername!r}: use PostgreSQL")
    return parsed.set(drivername=_ASYNC_DRIVER)


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str = field(repr=False)


def secret_credentials(settings: Settings, *, force_fetch: bool = False) -> Credentials | None:
    """The user and password in the database secret (cached for minutes: it rotates), or None
    when the database is configured by URL."""
    if settings.database_url is not None or not settings.database_secret_arn:
        return None
    secret = get_secret_json(settings.database_secret_arn, force_fetch=force_fetch)
    return Credentials(username=str(secret["username"]), password=str(secret["password"]))


def resolve_database_url(settings: Settings) -> URL:
    if settings.database_url is not None:
        return to_async_url(settings.database_url.get_secret_value())
    if settings.database_secret_arn:
        secret = get_secret_json(settings.database_secret_arn)
        host = secret.get("host") or settings.database_host
        if not host:
            raise ValueError("the database secret has no host and DATABASE_HOST is not set")
        return URL.create(
            _ASYNC_DRIVER,
            username=secret["username"],
            password=secret["password"],
            host=host,
            port=int(secret.get("port") or settings.database_port),
            database=secret.get("dbname") or settings.database_name,
        )
    raise ValueError("no database configured: set DATABASE_URL, or DATABASE_SECRET_ARN in AWS")
