"""Secrets Manager and SSM SecureString reads, cached for a few minutes (Powertools Parameters).

Secrets rotate (RDS-managed ones on a schedule), so a value is kept for `SECRET_MAX_AGE_SECONDS`,
not for the life of the process; a caller whose credentials were just refused re-reads with
`force_fetch=True`. The Parameters utility (and boto3 with it) is imported on first read, so
functions that never read a secret do not pay for it at cold start.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# Long enough that a warm function reads a secret a few times an hour; short enough that a
# rotated value reaches every environment well within a rotation's grace period.
SECRET_MAX_AGE_SECONDS = 300


def get_secret_string(secret_id: str, *, force_fetch: bool = False) -> str:
    from aws_lambda_powertools.utilities import parameters

    return str(
        parameters.get_secret(secret_id, max_age=SECRET_MAX_AGE_SECONDS, force_fetch=force_fetch)
    )


def get_secret_json(secret_id: str, *, force_fetch: bool = False) -> dict[str, Any]:
    value = json.loads(get_secret_string(secret_id, force_fetch=force_fetch))
    if not isinstance(value, dict):
        raise ValueError(f"secret {secret_id} does not hold a JSON object")
    return value


def get_secure_string(name: str, *, force_fetch: bool = False) -> str:
    """An SSM SecureString parameter, decrypted."""
    from aws_lambda_powertools.utilities import parameters

    return str(
        parameters.get_parameter(
            name, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS, force_fetch=force_fetch
        )
    )


def get_parameter(name: str, *, force_fetch: bool = False) -> str:
    """A plain SSM String parameter (public values, such as the token verification keys)."""
    from aws_lambda_powertools.utilities import parameters

    return str(
        parameters.get_parameter(name, max_age=SECRET_MAX_AGE_SECONDS, force_fetch=force_fetch)
    )


def put_parameter(name: str, value: str) -> None:
    """Overwrites a plain SSM String parameter; this process's next read fetches it again."""
    import boto3

    boto3.client("ssm").put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
    get_parameter(name, force_fetch=True)


def clear_secret_cache() -> None:
    """Forget every cached value (after a SnapStart restore, and in tests). A process that never
    read a secret has nothing cached, and does not import the Parameters utility to say so."""
    parameters = sys.modules.get("aws_lambda_powertools.utilities.parameters")
    if parameters is not None:
        parameters.clear_caches()
