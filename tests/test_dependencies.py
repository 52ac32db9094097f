"""Every package the code imports is declared in pyproject.toml, where it belongs: what the
functions and the layer import among the runtime dependencies (boto3 and botocore come with the
Lambda runtime), what the developer CLI imports among those or the dev group."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"shared", "functions", "bookstore", "tests", "alembic"}
# What Lambda's python3.13 runtime provides (snapshot_restore_py: the SnapStart runtime hooks).
LAMBDA_RUNTIME = {"boto3", "botocore", "snapshot_restore_py"}


def imported_packages(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - FIRST_PARTY - set(sys.stdlib_module_names)


def normalised(requirement: str) -> str:
    name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions_of(packages: set[str]) -> set[str]:
    found = packages_distributions()
    return {normalised(found[package][0]) for package in packages}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = {normalised(item) for item in PROJECT["project"]["dependencies"]}
DEV = {normalised(item) for item in PROJECT["dependency-groups"]["dev"]}


@pytest.mark.parametrize("folder", ["shared", "functions"])
def test_what_the_shipped_code_imports_is_a_runtime_dependency(folder: str) -> None:
    undeclared = distributions_of(imported_packages(folder) - LAMBDA_RUNTIME) - RUNTIME
    assert undeclared == set(), f"{folder}/ imports undeclared packages"


def test_what_the_developer_cli_imports_is_declared() -> None:
    undeclared = distributions_of(imported_packages("bookstore")) - RUNTIME - DEV
    assert undeclared == set()
