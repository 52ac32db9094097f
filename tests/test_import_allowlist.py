"""Each handler module imports exactly the top-level packages its allow-list names
(tests/import_allowlist.json), so a heavy import sneaking into a cold start fails here with the
chain of imports that brought it, and the list never keeps a package no longer imported.

After an intended change: `uv run python -m tests.import_allowlist --update`, and review the diff.
"""

from __future__ import annotations

import pytest

from tests.import_allowlist import (
    UPDATE_COMMAND,
    blocked_modules,
    handler_modules,
    load_allowlist,
    no_longer_imported,
    probe,
    probe_all,
    unexpected,
)

MODULES = handler_modules()


@pytest.fixture(scope="module")
def imported() -> dict[str, dict[str, list[str]]]:
    return probe_all(MODULES)


def test_the_allow_list_names_every_handler_module_of_the_template_and_no_other() -> None:
    assert sorted(load_allowlist()) == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_each_handler_imports_no_package_beyond_its_allow_list(
    imported: dict[str, dict[str, list[str]]], module: str
) -> None:
    problems = unexpected(module, imported[module], load_allowlist().get(module, []))

    assert not problems, "\n".join(problems) + f"\nIf it is meant to: {UPDATE_COMMAND}"


@pytest.mark.parametrize("module", MODULES)
def test_each_package_on_an_allow_list_is_still_imported_by_its_handler(
    imported: dict[str, dict[str, list[str]]], module: str
) -> None:
    problems = no_longer_imported(module, imported[module], load_allowlist().get(module, []))

    assert not problems, "\n".join(problems)


def test_a_package_off_the_allow_list_is_reported_with_the_chain_of_imports_behind_it(
    imported: dict[str, dict[str, list[str]]],
) -> None:
    module = "functions.users.app"
    allowed = [package for package in load_allowlist()[module] if package != "uuid6"]

    [problem] = unexpected(module, imported[module], allowed)

    assert problem.startswith(
        "functions.users.app imports uuid6, which is not on its allow-list: functions.users.app -> "
    )
    assert problem.endswith(" -> shared.db.ids -> uuid6")


def test_a_package_lambda_would_not_have_cannot_be_imported_in_the_probe() -> None:
    with pytest.raises(RuntimeError, match="No module named 'pytest' \\(not shipped to Lambda\\)"):
        probe("pytest", blocked_modules())
