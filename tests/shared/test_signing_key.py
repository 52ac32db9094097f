"""The cursors' HMAC key in AWS: a Secrets Manager secret or an SSM SecureString, cached for
minutes. (Access tokens have keys of their own: tests/shared/test_credential_rotation.py.)"""

from __future__ import annotations

import json

import boto3
import pytest
from pydantic import ValidationError

from shared.auth import signing_key as signing_key_module
from shared.settings import Settings, get_settings

AWS_KEY = "a-key-that-only-lives-in-aws-and-is-long-enough"


def use_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return get_settings()


@pytest.mark.parametrize("secret_string", [AWS_KEY, json.dumps({"secret_key": AWS_KEY})])
def test_the_key_is_read_from_secrets_manager(
    aws: None, monkeypatch: pytest.MonkeyPatch, secret_string: str
) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="jwt", SecretString=secret_string)[
        "ARN"
    ]
    settings = use_settings(monkeypatch, SECRET_KEY_SECRET_ARN=arn)

    assert signing_key_module.signing_key(settings) == AWS_KEY
    local = use_settings(monkeypatch, SECRET_KEY_SECRET_ARN="")
    assert signing_key_module.signing_key(local) != AWS_KEY


def test_the_key_is_read_from_an_ssm_secure_string(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("ssm").put_parameter(Name="/bookstore/jwt", Value=AWS_KEY, Type="SecureString")
    settings = use_settings(monkeypatch, SECRET_KEY_SSM_PARAMETER="/bookstore/jwt")

    assert signing_key_module.signing_key(settings) == AWS_KEY


def test_the_key_is_cached_between_reads_from_aws(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = boto3.client("ssm")
    client.put_parameter(Name="/bookstore/jwt", Value=AWS_KEY, Type="SecureString")
    settings = use_settings(monkeypatch, SECRET_KEY_SSM_PARAMETER="/bookstore/jwt")
    signing_key_module.signing_key(settings)

    client.put_parameter(
        Name="/bookstore/jwt", Value="rotated", Type="SecureString", Overwrite=True
    )

    assert signing_key_module.signing_key(settings) == AWS_KEY


def test_production_refuses_the_default_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENV", "production")

    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()


@pytest.mark.parametrize(
    "variable", ["SECRET_KEY_SECRET_ARN", "SECRET_KEY_SSM_PARAMETER"], ids=["secret", "ssm"]
)
def test_production_accepts_a_key_that_comes_from_aws(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv(variable, "jwt-key")

    assert Settings().secret_key_from_aws


def test_both_aws_key_sources_at_once_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY_SECRET_ARN", "arn")
    monkeypatch.setenv("SECRET_KEY_SSM_PARAMETER", "/name")

    with pytest.raises(ValidationError, match="not both"):
        Settings()


def test_production_refuses_a_signing_key_shorter_than_256_bits(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("ssm").put_parameter(Name="/bookstore/jwt", Value="short", Type="SecureString")
    settings = use_settings(
        monkeypatch, ENV="production", SECRET_KEY_SSM_PARAMETER="/bookstore/jwt"
    )

    with pytest.raises(signing_key_module.SigningKeyError, match="at least 32 bytes"):
        signing_key_module.signing_key(settings)
