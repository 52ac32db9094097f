"""Which OpenID Connect providers this deployment trusts, from the environment.

`OIDC_PROVIDERS` names them (`google,cognito`); for each name, upper-cased in the variables:
`OIDC_<NAME>_ISSUER` (exactly as the provider's tokens carry it), `OIDC_<NAME>_CLIENT_ID` (the
audience its ID tokens must carry) and, for the code flow, the client secret from Secrets Manager
(`OIDC_<NAME>_CLIENT_SECRET_ARN`: its SecretString, or JSON {"client_secret": ...}) or, locally,
`OIDC_<NAME>_CLIENT_SECRET`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache

from functions.users.errors import ProviderNotFoundError
from shared.settings import get_settings

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    issuer: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    client_secret_arn: str | None = None

    def secret(self) -> str | None:
        """The client secret, read from Secrets Manager when configured there (cached)."""
        if self.client_secret_arn:
            from shared.runtime.aws_secrets import get_secret_string

            value = get_secret_string(self.client_secret_arn)
            return _client_secret_of(value)
        return self.client_secret


def provider_named(name: str) -> Provider:
    """The configured provider of this name (as in URLs: lower case), else 404."""
    provider = configured_providers().get(name)
    if provider is None:
        raise ProviderNotFoundError()
    return provider


@cache
def configured_providers() -> dict[str, Provider]:
    settings = get_settings()
    providers = {}
    for raw_name in settings.oidc_providers:
        name = raw_name.lower()
        if not _NAME.match(name):
            raise ValueError(f"OIDC provider name {raw_name!r}: use letters, digits and _")
        prefix = f"OIDC_{name.upper()}_"
        issuer = os.environ.get(prefix + "ISSUER", "").rstrip("/")
        client_id = os.environ.get(prefix + "CLIENT_ID", "")
        if not issuer or not client_id:
            raise ValueError(f"OIDC provider {name!r} needs {prefix}ISSUER and {prefix}CLIENT_ID")
        if not issuer.startswith("https://") and not (
            settings.env == "development" and issuer.startswith("http://")
        ):
            raise ValueError(f"{prefix}ISSUER must be an https URL (http only in development)")
        providers[name] = Provider(
            name=name,
            issuer=issuer,
            client_id=client_id,
            client_secret=os.environ.get(prefix + "CLIENT_SECRET") or None,
            client_secret_arn=os.environ.get(prefix + "CLIENT_SECRET_ARN") or None,
        )
    return providers


def _client_secret_of(value: str) -> str:
    import json

    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    secret = parsed.get("client_secret") if isinstance(parsed, dict) else None
    return secret if isinstance(secret, str) else value
