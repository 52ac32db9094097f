"""No password, token, hash, key or connection string in anything the suite logs.

Registered as a pytest plugin by tests/conftest.py, so it runs in every test session without any test
asking for it. It reads what pytest captured of each test phase (the stdout and stderr sections,
where the JSON log lines go, and the logging capture), and when the session ends it fails the
run (exit status 1) with a report naming each test and line, the secrets masked. What pytest writes
itself (assertion diffs, tracebacks of failures) is no log output and is not read; neither is output
a test took for itself with `capsys` or `capfd`.

What counts as a secret:
- a JWT, a `Bearer` credential, an Argon2 hash, a URL with a password in it (`scheme://user:pw@`);
- in a JSON log line, any value under a key named like a credential (`password`, `refresh_token`,
  `authorization`, ...) that is not masked;
- the values the tests used: string constants of the collected test modules named like a password,
  secret or key; `SECRET_KEY` and the password of `DATABASE_URL` as the environment has them during
  each test; every refresh token the Users function issued, and its SHA-256 digest as hex, base64 and
  a bytes literal; every `SecretString` stored in (moto's) Secrets Manager, and each credential field
  of one that is JSON. Values shorter than `MIN_SECRET_LENGTH` are left out: they would match
  ordinary words (moto's `testing` credentials among them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import wraps
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

MIN_SECRET_LENGTH = 8
SHOWN_CHARACTERS = 4
MAX_SHOWN_LINE = 400

PATTERNS: dict[str, re.Pattern[str]] = {
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}"),
    "bearer token": re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    "Argon2 hash": re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']*"),
    # A password in the userinfo of a URL; SQLAlchemy's mask `***` and a `<placeholder>` are none.
    "connection string with a password": re.compile(
        r"\b[a-z][a-z0-9+.-]*://[^\s/:@\"']+:(?!\*+@|<[^>]*>@)[^\s/@\"']+@", re.IGNORECASE
    ),
}
_ANY_PATTERN = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in PATTERNS.values()), re.I)
# Keys of a JSON log line whose value is a credential, whatever it looks like.
_CREDENTIAL_KEY = (
    r"(?:current_|new_)?passw(?:or)?d|(?:client_)?secret(?:_key|_string)?|signing_key"
    r"|(?:access_|refresh_|id_)?token|authorization|api_key|private_key"
)
CREDENTIAL_KEYS = re.compile(_CREDENTIAL_KEY, re.IGNORECASE)
_CREDENTIAL_KEY_IN_TEXT = re.compile(rf'"(?:{_CREDENTIAL_KEY})"\s*:', re.IGNORECASE)
_MASKED_VALUE = re.compile(r"|\*+|<[^>]*>|\[?(?:redacted|hidden|masked)\]?", re.IGNORECASE)
# Test-module constants that hold a credential, by name (an idempotency key is none).
_SECRET_CONSTANT_NAME = re.compile(r"PASSW(?:OR)?D|SECRET|^(?!.*IDEMPOTENCY).*_KEY$")
_PLACEHOLDER = re.compile(r"<[^>]*>|REPLACE_\w+")
# Words that may be a refresh token or a digest of one (base64url or hex, and base64), found by
# shape so that thousands of them are looked up in a set rather than searched for one by one.
_TOKEN_WORDS = (re.compile(r"[A-Za-z0-9_-]{32,}"), re.compile(r"[A-Za-z0-9+/]{32,}={0,2}"))
# The sections of a test report that hold what was logged: "Captured <kind> <phase>".
_LOG_SECTIONS = ("stdout", "stderr", "log")


@dataclass(frozen=True)
class Finding:
    nodeid: str
    section: str
    kinds: str
    line: str

    def describe(self) -> str:
        return f"{self.nodeid} ({self.section}): {self.kinds}: {self.line}"


@dataclass
class Secrets:
    """The secret values the tests used, as far as they are known yet."""

    values: set[str] = field(default_factory=set)
    token_words: set[str] = field(default_factory=set)
    byte_literals: set[str] = field(default_factory=set)

    def remember(self, *values: str | None) -> None:
        for value in values:
            if value and len(value) >= MIN_SECRET_LENGTH and not _PLACEHOLDER.fullmatch(value):
                self.values.add(value)

    def remember_refresh_token(self, token: str) -> None:
        digest = hashlib.sha256(token.encode()).digest()
        self.token_words.update(
            {
                token,
                digest.hex(),
                base64.b64encode(digest).decode(),
                base64.urlsafe_b64encode(digest).decode().rstrip("="),
            }
        )
        self.byte_literals.add(repr(digest)[2:-1])

    def remember_secret_string(self, secret_string: str) -> None:
        self.remember(secret_string)
        try:
            document = json.loads(secret_string)
        except ValueError:
            return
        self.remember(
            *(
                value
                for key, value in _json_items(document)
                if isinstance(value, str) and CREDENTIAL_KEYS.fullmatch(key)
            )
        )

    def remember_environment(self) -> None:
        self.remember(os.environ.get("SECRET_KEY"))
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            self.remember(urlsplit(database_url).password)

    def in_line(self, line: str) -> list[str]:
        found = [value for value in self.values if value in line]
        found += [
            word
            for shape in _TOKEN_WORDS
            for word in shape.findall(line)
            if word in self.token_words
        ]
        if "\\x" in line:
            found += [literal for literal in self.byte_literals if literal in line]
        return found


def secret_kinds(line: str, secrets: Secrets | None = None) -> list[str]:
    """What kinds of secret `line` holds; none when it holds none."""
    kinds = []
    if _ANY_PATTERN.search(line):
        kinds = [kind for kind, pattern in PATTERNS.items() if pattern.search(line)]
    if secrets is not None and secrets.in_line(line):
        kinds.append("a secret value the tests used")
    if _credential_fields(line):
        kinds.append("a credential field")
    return kinds


def mask(line: str, secrets: Secrets | None = None) -> str:
    """`line` with every secret cut to its first characters and its length, so it can be shown."""

    def masked(text: str) -> str:
        return f"{text[:SHOWN_CHARACTERS]}…[{len(text)} characters]"

    for value in _credential_fields(line):
        line = line.replace(json.dumps(value)[1:-1], masked(value))
    for value in sorted(secrets.in_line(line) if secrets else [], key=len, reverse=True):
        line = line.replace(value, masked(value))
    for pattern in PATTERNS.values():
        line = pattern.sub(lambda match: masked(match.group()), line)
    return line if len(line) <= MAX_SHOWN_LINE else line[:MAX_SHOWN_LINE] + "…"


def _credential_fields(line: str) -> list[str]:
    """The unmasked values under credential keys of a JSON log line."""
    if not _CREDENTIAL_KEY_IN_TEXT.search(line):
        return []
    try:
        document = json.loads(line)
    except ValueError:
        return []
    return [
        value
        for key, value in _json_items(document)
        if isinstance(value, str)
        and CREDENTIAL_KEYS.fullmatch(key)
        and not _MASKED_VALUE.fullmatch(value)
    ]


def _json_items(document: Any) -> Iterator[tuple[str, Any]]:
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                yield str(key), item
                pending.append(item)
        elif isinstance(value, list):
            pending.extend(value)


_FINDINGS_KEY = "secret_scan_findings"


class SecretScanPlugin:
    """The hooks, with what they share: the known secrets and the findings so far."""

    def __init__(self) -> None:
        self.secrets = Secrets()
        self.findings: list[Finding] = []
        self.secrets.remember_environment()

    def scan(self, nodeid: str, section: str, text: str) -> None:
        for line in text.splitlines():
            kinds = secret_kinds(line, self.secrets)
            if kinds:
                finding = Finding(nodeid, section, ", ".join(kinds), mask(line, self.secrets))
                self.findings.append(finding)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        modules = {getattr(item, "module", None) for item in session.items}
        for module in modules:
            if isinstance(module, ModuleType):
                self.secrets.remember(*_secret_constants(module))
        _record_refresh_tokens(self.secrets)
        _record_secret_strings(self.secrets)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # The environment as this test had it: a monkeypatched SECRET_KEY is still in place.
        self.secrets.remember_environment()
        for name, content in report.sections:
            # A report repeats the sections of the phases before it: read each phase's own once.
            words = name.split()
            if len(words) == 3 and words[1] in _LOG_SECTIONS and words[2] == report.when:
                self.scan(report.nodeid, name, content)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        worker_output = getattr(session.config, "workeroutput", None)
        if worker_output is not None:
            # An xdist worker: only it knows the tokens its tests issued, so it scans, and hands
            # what it found to the controller, whose exit status is the run's.
            worker_output[_FINDINGS_KEY] = [asdict(finding) for finding in self.findings]
            return
        if self.findings and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """xdist, on the controller: a worker finished; its findings join the run's."""
        reported = getattr(node, "workeroutput", {}).get(_FINDINGS_KEY, [])
        known = set(self.findings)
        self.findings += [f for f in (Finding(**item) for item in reported) if f not in known]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.findings:
            return
        terminalreporter.section("secrets in log output", sep="=", red=True, bold=True)
        for finding in self.findings:
            terminalreporter.line(finding.describe())
        terminalreporter.line(
            f"{len(self.findings)} log line(s) hold a secret: log an id instead, or mask the "
            "value (see tests/support/secret_scan.py)."
        )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SecretScanPlugin(), "secret-scan")


def _secret_constants(module: ModuleType) -> Iterator[str]:
    for name, value in vars(module).items():
        if name.isupper() and isinstance(value, str) and _SECRET_CONSTANT_NAME.search(name):
            yield value


def _record_refresh_tokens(secrets: Secrets) -> None:
    """Remembers each refresh token the Users function issues, when the collected tests use it."""
    if "functions.users.authentication" not in sys.modules:
        return
    from functions.users import authentication

    # The name `authentication` calls, which it imported from `refresh_tokens`.
    names = vars(authentication)
    issue: Callable[[], str] = names["new_refresh_token"]
    if getattr(issue, "_recorded", False):
        return

    @wraps(issue)
    def recorded() -> str:
        token = issue()
        secrets.remember_refresh_token(token)
        return token

    recorded._recorded = True  # type: ignore[attr-defined]
    names["new_refresh_token"] = recorded


def _record_secret_strings(secrets: Secrets) -> None:
    """Remembers each SecretString sent to Secrets Manager (moto's, in the tests), when the
    collected tests use an AWS client."""
    client_module = sys.modules.get("botocore.client")
    if client_module is None:
        return
    base_client = client_module.BaseClient
    call: Callable[..., Any] = base_client._make_api_call
    if getattr(call, "_recorded", False):
        return

    @wraps(call)
    def recorded(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        secret_string = api_params.get("SecretString")
        if isinstance(secret_string, str):
            secrets.remember_secret_string(secret_string)
        return call(client, operation_name, api_params)

    recorded._recorded = True  # type: ignore[attr-defined]
    base_client._make_api_call = recorded


def scan_lines(lines: Iterable[str], secrets: Secrets | None = None) -> list[tuple[list[str], str]]:
    """Each line that holds a secret: its kinds, and the line masked (for tests of the rules)."""
    return [
        (kinds, mask(line, secrets)) for line in lines if (kinds := secret_kinds(line, secrets))
    ]
