"""Secrets Manager reads, cached for the life of the process.

boto3 is imported here, lazily, so functions that never read a secret do not pay for it at cold start.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=8)
def get_secret_string(secret_id: str) -> str:
    import boto3

    response = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
    return str(response["SecretString"])


def get_secret_json(secret_id: str) -> dict[str, Any]:
    value = json.loads(get_secret_string(secret_id))
    if not isinstance(value, dict):
        raise ValueError(f"secret {secret_id} does not hold a JSON object")
    return value
