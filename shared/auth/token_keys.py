"""The keys of access tokens: ES256, an ECDSA P-256 key pair.

Only the Users function signs, so only it reads the private key: a Secrets Manager secret
(`TOKEN_SIGNING_KEY_SECRET_ARN`) holding a PEM private key, or a random string the stack
generated, from which the key is derived. Every function verifies with public keys only: a JWKS
document in an SSM parameter (`TOKEN_PUBLIC_KEYS_SSM_PARAMETER`), which the Users function keeps
current. Both are cached for minutes (they rotate).

Rotation: when the secret changes, the Users function publishes the new public key, keeping the
previous one, before its first token signed with the new key; a verifier that meets a key id it
does not know reads the parameter again at once. So tokens signed with either key verify
everywhere while they may be valid.

Locally (development and tests), with neither configured, the pair is derived from `SECRET_KEY`,
so every local process (the local runner's functions) signs and verifies with the same pair
without any setup; production refuses that.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt import PyJWK
from jwt.algorithms import ECAlgorithm

from shared.runtime.aws_secrets import get_parameter, get_secret_string, put_parameter
from shared.settings import Settings

ALGORITHM = "ES256"
_CURVE = ec.SECP256R1()
# The published document keeps the newest keys: the current one and the one it replaced.
PUBLISHED_KEYS = 2
_LOCAL_DERIVATION = "bookstore local access-token key:"


class TokenKeyError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)

    @property
    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private_key.public_key())


def signing_key(settings: Settings) -> SigningKey:
    """The key to sign with (the Users function only), published before it is first used."""
    if settings.token_signing_key_secret_arn:
        key = _signing_key_of(get_secret_string(settings.token_signing_key_secret_arn))
    else:
        key = _signing_key_of(_local_material(settings))
    if settings.token_public_keys_ssm_parameter:
        _publish(settings.token_public_keys_ssm_parameter, key)
    return key


def verifying_keys(
    settings: Settings, *, refresh: bool = False
) -> dict[str, ec.EllipticCurvePublicKey]:
    """The public keys tokens may be signed with, by key id. `refresh`: read them again now (a
    token named a key id this process does not know), at most every `REFRESH_INTERVAL_SECONDS`,
    so that tokens with made-up key ids cannot make every request a read."""
    parameter = settings.token_public_keys_ssm_parameter
    if parameter is None:
        return _keys_of_local(_local_material(settings))
    global _last_refresh
    now = time.monotonic()
    force = refresh and now - _last_refresh >= REFRESH_INTERVAL_SECONDS
    if force:
        _last_refresh = now
    return _keys_of_document(get_parameter(parameter, force_fetch=force))


def public_jwks(settings: Settings) -> dict[str, list[dict[str, str]]]:
    """The JWKS document of the keys that verify tokens (what GET /auth/jwks.json answers)."""
    parameter = settings.token_public_keys_ssm_parameter
    if parameter is None:
        return {"keys": [_published_form(_signing_key_of(_local_material(settings)).jwk)]}
    return _parse_jwks(get_parameter(parameter))


REFRESH_INTERVAL_SECONDS = 10.0
_last_refresh = float("-inf")


@lru_cache(maxsize=4)
def _signing_key_of(material: str) -> SigningKey:
    private_key = private_key_from(material)
    return SigningKey(kid=key_id(public_jwk(private_key.public_key())), private_key=private_key)


@lru_cache(maxsize=4)
def _keys_of_local(material: str) -> dict[str, ec.EllipticCurvePublicKey]:
    key = _signing_key_of(material)
    return {key.kid: key.private_key.public_key()}


@lru_cache(maxsize=4)
def _keys_of_document(document: str) -> dict[str, ec.EllipticCurvePublicKey]:
    return {key_id(jwk): _public_key(jwk) for jwk in _parse_jwks(document)["keys"]}


def private_key_from(value: str) -> ec.EllipticCurvePrivateKey:
    """A PEM private key on P-256, or any other string (a random one the stack generated),
    from which the key is derived."""
    if value.lstrip().startswith("-----BEGIN"):
        loaded = serialization.load_pem_private_key(value.encode(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or loaded.curve.name != _CURVE.name:
            raise TokenKeyError("the token signing key must be an EC private key on P-256")
        return loaded
    if len(value) < 32:
        raise TokenKeyError("the token signing key secret must hold a PEM key or 32+ characters")
    return _derived(value.encode())


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
    return {name: str(jwk[name]) for name in ("kty", "crv", "x", "y")}


def key_id(jwk: dict[str, Any]) -> str:
    """The JWK thumbprint of RFC 7638: the SHA-256 of the required members, in order."""
    members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def _local_material(settings: Settings) -> str:
    if settings.env == "production":
        raise TokenKeyError(
            "set TOKEN_SIGNING_KEY_SECRET_ARN (Users) and TOKEN_PUBLIC_KEYS_SSM_PARAMETER: "
            "production never derives the token keys from SECRET_KEY"
        )
    return _LOCAL_DERIVATION + settings.secret_key.get_secret_value()


def _derived(material: bytes) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(hashlib.sha512(material).digest(), "big")
    # A scalar in [1, n - 1], n being the order of P-256.
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    return ec.derive_private_key(scalar % (order - 1) + 1, _CURVE)


def _published_form(jwk: dict[str, str]) -> dict[str, str]:
    return {**jwk, "kid": key_id(jwk), "alg": ALGORITHM, "use": "sig"}


def _publish(parameter: str, key: SigningKey) -> None:
    """Puts the key's public half first in the parameter's document, unless it is there."""
    published = public_jwks_in(parameter)
    if any(jwk.get("kid") == key.kid for jwk in published):
        return
    others = [jwk for jwk in published if jwk.get("kid") != key.kid]
    document = {"keys": [_published_form(key.jwk), *others][:PUBLISHED_KEYS]}
    put_parameter(parameter, json.dumps(document, separators=(",", ":")))


def public_jwks_in(parameter: str) -> list[dict[str, str]]:
    return _parse_jwks(get_parameter(parameter))["keys"]


def _parse_jwks(value: str) -> dict[str, list[dict[str, str]]]:
    try:
        document = json.loads(value)
    except ValueError as error:
        raise TokenKeyError("the token public keys parameter does not hold JSON") from error
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list):
        raise TokenKeyError("the token public keys parameter holds no JWKS document")
    return {"keys": [jwk for jwk in keys if isinstance(jwk, dict) and jwk.get("kty") == "EC"]}


def _public_key(jwk: dict[str, str]) -> ec.EllipticCurvePublicKey:
    key = PyJWK({name: jwk[name] for name in ("kty", "crv", "x", "y")}, algorithm=ALGORITHM).key
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise TokenKeyError("a published token key is not an EC public key")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
