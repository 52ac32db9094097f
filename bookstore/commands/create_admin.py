"""`bookstore create-admin EMAIL`: make an admin of the configured database.

Creates the account (password from a prompt, or the first line of stdin with --password-stdin),
or promotes the account that already has this email, leaving its password alone.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bookstore.database import configured_database_url, run_on_database


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "create-admin",
        help="create an admin account, or promote an existing one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("email")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new account's password from the first line of stdin instead of a prompt",
    )
    parser.add_argument("--full-name", default="Administrator", help="for a new account")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    from functions.users.emails import normalise_email
    from functions.users.schemas import FullName, NewPassword

    try:
        email = normalise_email(arguments.email)
        full_name = TypeAdapter(FullName).validate_python(arguments.full_name)
    except (ValueError, ValidationError) as error:
        return _fail(f"invalid input: {_reason(error)}")
    configured_database_url()
    promoted = run_on_database(_promote(email))
    if promoted is not None:
        print(promoted)
        return 0
    try:
        password = TypeAdapter(NewPassword).validate_python(_read_password(arguments))
    except ValidationError as error:
        return _fail(f"invalid password: {_reason(error)}")
    except PasswordMismatchError:
        return _fail("the passwords do not match")
    print(run_on_database(_create(email, full_name, password)))
    return 0


class PasswordMismatchError(Exception):
    pass


def _read_password(arguments: argparse.Namespace) -> str:
    if arguments.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password for the new admin: ")
    if getpass.getpass("Repeat it: ") != password:
        raise PasswordMismatchError
    return password


async def _promote(email: str) -> str | None:
    from functions.users import service
    from shared.db.access import OPERATIONS
    from shared.db.transaction import transaction

    async with transaction(OPERATIONS) as session:
        result = await service.promote_to_admin(session, email=email)
    if result is None:
        return None
    user, changed = result
    verb = "promoted to admin" if changed else "already an admin"
    return f"{email} ({user.id}): {verb}; password unchanged"


async def _create(email: str, full_name: str, password: str) -> str:
    from functions.users import service
    from shared.db.access import ACCOUNTS
    from shared.db.transaction import transaction

    async with transaction(ACCOUNTS) as session:
        user = await service.create_user(
            session, email=email, full_name=full_name, password=password, role="admin"
        )
    return f"{email} ({user.id}): admin account created"


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(item["msg"] for item in error.errors())
    return str(error)


def _fail(message: str) -> int:
    print(f"create-admin: {message}", file=sys.stderr)
    return 2
