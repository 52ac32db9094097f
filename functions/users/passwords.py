"""Argon2id password hashing.

Parameters: OWASP's Argon2id configuration m=19 MiB, t=2, p=1 (every OWASP option costs about the
same CPU; this one the least memory bandwidth of the faster ones measured). About 25 ms per hash on
one core here (bench/users_bench.py). Lambda gives 1 vCPU per 1769 MB, so a hash takes ~85 ms at
512 MB and ~170 ms at 256 MB, but ~350 ms at the 128 MB default: give the Users function at least
256 MB. p=1 because a Lambda environment may have less than one core to run lanes on. Hashes made
with other parameters still verify, and are re-hashed with these on the next successful login.
"""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1

# Off the start-up path with the modules that import this one (the router names them with
# `lazy_import`): requests that never hash (a token refresh, reading the account) never load
# Argon2, and a SnapStart snapshot holds it already.
_HASHER = PasswordHash(
    (Argon2Hasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM),)
)


# A hash with the parameters above, of a random password nobody knows. Verifying against it makes a
# login with an unknown email cost what a wrong password costs. tests/users check it stays current.
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$eTAgCnt8YQV/XP04zMiBAQ$"
    "hrkXnKgmzBM0lCBYBRP2HlVXmILssZoJvgc2QTEAz/Y"
)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_and_update(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether `password` matches, and a new hash when the stored one uses older parameters."""
    return _HASHER.verify_and_update(password, password_hash)


def verify_dummy(password: str) -> None:
    _HASHER.verify(password, DUMMY_HASH)


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.current_hasher.check_needs_rehash(password_hash)


def parameters() -> dict[str, int | str]:
    return {
        "variant": "argon2id",
        "memory_cost_kib": MEMORY_COST_KIB,
        "time_cost": TIME_COST,
        "parallelism": PARALLELISM,
    }
