"""Email addresses as the API stores them: trimmed, lower case, and plausibly deliverable.

A careful syntax check rather than the `email-validator` package: ASCII addresses only, the local
part without quoting, a domain of DNS labels ending in an alphabetic TLD.
"""

from __future__ import annotations

import re

MAX_LENGTH = 254  # the longest address an SMTP path can carry (RFC 5321)
MAX_LOCAL_LENGTH = 64

_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def normalise_email(value: str) -> str:
    """The canonical form of `value`; ValueError when it is not an email address."""
    email = value.strip().lower()
    if len(email) > MAX_LENGTH:
        raise ValueError(f"an email address has at most {MAX_LENGTH} characters")
    local, at, domain = email.rpartition("@")
    if (
        not at
        or len(local) > MAX_LOCAL_LENGTH
        or not _LOCAL.fullmatch(local)
        or not _DOMAIN.fullmatch(domain)
    ):
        raise ValueError("not a valid email address")
    return email
