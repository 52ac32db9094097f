"""Process-wide settings, read once per process from the environment (and `.env` locally)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.db.tls import VERIFYING_MODES, SslMode, verifying_context

DEFAULT_SECRET_KEY = "change-me-in-development-only-never-in-production"  # noqa: S105 - refused in production
DEFAULT_FAILED_LOGINS_PER_IP = 100
DEFAULT_REGISTRATIONS_PER_IP = 20
# What a browser sends as Origin (no path, no trailing slash), a scheme's wildcard, or `*`: the
# forms API Gateway accepts in AllowOrigins.
_ORIGIN = re.compile(r"^(\*|https?://(\*|[^/*\s,]+))$")


class Settings(BaseSettings):
    # env_ignore_empty: template.yaml passes "" for parameters left blank; that means "not set".
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True
    )

    env: Literal["development", "test", "production"] = "development"

    # Locally a URL; in AWS the RDS-managed secret (username/password, optionally host/port/dbname)
    # plus the host settings below.
    database_url: SecretStr | None = None
    database_secret_arn: str | None = None
    database_host: str | None = None
    database_port: int = 5432
    database_name: str = "bookstore"

    db_pool_size: int = Field(default=1, ge=1, le=50)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    # The worst request pays a ping, a connect and a statement: together they must fit in the
    # function's timeout less the reserve below (template.yaml's Timeout; a test checks both).
    db_connect_timeout: float = Field(default=3.0, gt=0)
    db_command_timeout: float = Field(default=8.0, gt=0)
    db_ping_timeout: float = Field(default=1.0, gt=0)
    db_idle_revalidate_seconds: float = Field(default=60.0, ge=0)
    # Kept back at the end of each invocation to answer our own 503 and close connections before
    # Lambda's timeout cuts the function off (see shared.runtime.deadline).
    invocation_reserve_seconds: float = Field(default=3.0, ge=0)
    # TLS to the database (docs/database-tls.md). DB_SSLROOTCERT: the PEM CA bundle the verify
    # modes check the server's certificate against, checked here so that a wrong path stops the
    # process at its first use of the settings rather than at its first connection.
    db_sslmode: SslMode = "prefer"
    db_sslrootcert: str | None = None
    # Migrations run on tables that are serving requests: a DDL statement that cannot get its lock
    # within MIGRATION_LOCK_TIMEOUT fails (and the deployment rolls back) rather than queueing
    # every request behind it; none runs longer than MIGRATION_STATEMENT_TIMEOUT. A second
    # migrator waits up to MIGRATION_WAIT_TIMEOUT for the first. The three must fit in the
    # Migrations function's Timeout (template.yaml; a test checks it).
    migration_lock_timeout: float = Field(default=5.0, gt=0)
    migration_statement_timeout: float = Field(default=180.0, gt=0)
    migration_wait_timeout: float = Field(default=60.0, gt=0)
    db_proxy_mode: bool = False

    # The key of the HMAC tags on list cursors (and, locally, the seed of the token keys):
    # SECRET_KEY locally; in AWS a Secrets Manager secret or an SSM SecureString, cached for
    # minutes (see shared.auth.signing_key).
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    secret_key_secret_arn: str | None = None
    secret_key_ssm_parameter: str | None = None
    # Access tokens are ES256: the private key in a Secrets Manager secret only the Users function
    # reads, the public keys (a JWKS document) in an SSM parameter every function reads. Neither
    # set (local runs): a pair derived from SECRET_KEY (shared.auth.token_keys).
    token_signing_key_secret_arn: str | None = None
    token_public_keys_ssm_parameter: str | None = None
    access_token_expire_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_expire_days: int = Field(default=30, ge=1, le=365)
    currency: str = Field(default="USD", min_length=3, max_length=3, pattern=r"^[A-Z]{3}$")

    # The largest request body any function reads: a 413 above it, before the body is parsed. It
    # must hold the largest valid request, a book with a 10 000-character description.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    # Login and registration limits (functions/users/throttling.py). Per account: after this many
    # consecutive failures the account's logins are refused for AUTH_LOCKOUT_SECONDS, a window
    # that doubles with each new lock-out, up to an hour. Per source address: failed logins in 15
    # minutes, registrations in an hour; off in development (one machine, one address) unless set.
    auth_max_failed_logins_per_account: int = Field(default=10, ge=1)
    auth_lockout_seconds: float = Field(default=60.0, gt=0, le=3600)
    auth_max_failed_logins_per_ip: int | None = Field(default=None, ge=1)
    auth_max_registrations_per_ip: int | None = Field(default=None, ge=1)

    # Domain events go to this EventBridge bus after their transaction commits. Unset (local
    # runs): they stay in the outbox table, where `bookstore events` lists them.
    event_bus_name: str | None = None
    # An event EventBridge refused this many times is given up: kept in the outbox, counted by
    # the drain's OutboxEventsGivenUp metric, retried only when an operator redrives it.
    outbox_max_attempts: int = Field(default=20, ge=1)

    # Origins browsers may call the API from, comma-separated (`*`: any). In AWS the stack's
    # AllowedOrigins parameter configures API Gateway instead; only the local runner reads this.
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()

    # Sign-in with OpenID Connect: the providers' names (each configured by OIDC_<NAME>_ISSUER,
    # OIDC_<NAME>_CLIENT_ID and a client secret, see functions.users.oidc.config), and the client
    # URIs the code flow may hand its one-time code to, each matched exactly.
    oidc_providers: Annotated[tuple[str, ...], NoDecode] = ()
    oidc_redirect_uris: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("allowed_origins", "oidc_providers", "oidc_redirect_uris", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _refuse_what_no_browser_sends(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            if not _ORIGIN.match(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: scheme://host[:port] without a path or a "
                    "trailing slash (https://shop.example.com), https://* or http://*, or *"
                )
        return origins

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.secret_key_secret_arn and self.secret_key_ssm_parameter:
            raise ValueError("set SECRET_KEY_SECRET_ARN or SECRET_KEY_SSM_PARAMETER, not both")
        if (
            self.env == "production"
            and not self.secret_key_from_aws
            and self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
        ):
            raise ValueError(
                "SECRET_KEY (or SECRET_KEY_SECRET_ARN / SECRET_KEY_SSM_PARAMETER) must be set "
                "to a real secret when ENV=production"
            )
        return self

    @model_validator(mode="after")
    def _refuse_an_unreadable_ca_bundle(self) -> Settings:
        if self.db_sslmode in VERIFYING_MODES and self.db_sslrootcert:
            verifying_context(self.db_sslrootcert, check_hostname=self.db_sslmode == "verify-full")
        return self

    @property
    def failed_logins_per_ip_limit(self) -> int | None:
        return self._per_address(self.auth_max_failed_logins_per_ip, DEFAULT_FAILED_LOGINS_PER_IP)

    @property
    def registrations_per_ip_limit(self) -> int | None:
        return self._per_address(self.auth_max_registrations_per_ip, DEFAULT_REGISTRATIONS_PER_IP)

    def _per_address(self, value: int | None, default: int) -> int | None:
        if value is not None:
            return value
        return None if self.env == "development" else default

    @property
    def secret_key_from_aws(self) -> bool:
        return bool(self.secret_key_secret_arn or self.secret_key_ssm_parameter)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def env_flag(name: str) -> bool:
    """Whether the environment variable `name` is set to true ("true" or "1", any case)."""
    return os.environ.get(name, "").strip().lower() in {"1", "true"}
