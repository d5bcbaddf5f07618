"""Administration from the command line: grant and revoke roles, list users.

    python -m teams_app.admin users
    python -m teams_app.admin grant USER ROLE
    python -m teams_app.admin revoke USER ROLE

USER is a numeric user id, a Teams user id ("29:..."), an Entra object id or
an e-mail address; ROLE is teacher, mentor, moderator or admin. The database
comes from MENTORING_DATABASE_URL, as for the app.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy import func, or_, select

from teams_app.domain.enums import Role
from teams_app.settings import Settings
from teams_app.storage.db import Database
from teams_app.storage.migrate import upgrade_to_head_async
from teams_app.storage.models import User, UserRole
from teams_app.workflow.people import grant_role


async def _find(session, reference: str) -> User | None:  # type: ignore[no-untyped-def]
    conditions = [
        User.teams_user_id == reference,
        User.aad_object_id == reference,
        func.lower(User.email) == reference.lower(),
    ]
    if reference.isdigit():
        conditions.append(User.id == int(reference))
    return await session.scalar(select(User).where(or_(*conditions)))


async def run(args: argparse.Namespace, settings: Settings) -> int:
    await upgrade_to_head_async(settings.database_url)
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            if args.command == "users":
                users = list(await session.scalars(select(User).order_by(User.id)))
                if not users:
                    print(f"no users in {settings.database_url}", file=sys.stderr)
                print("id\tname\tteams id\tentra object id\te-mail\troles")
                for user in users:
                    roles = ",".join(sorted(r.role.value for r in user.roles))
                    print(
                        f"{user.id}\t{user.display_name}\t{user.teams_user_id or '-'}\t"
                        f"{user.aad_object_id or '-'}\t{user.email or '-'}\t{roles}"
                    )
                return 0
            user = await _find(session, args.user)
            if user is None:
                print(f"error: user not found: {args.user!r}", file=sys.stderr)
                return 1
            role = Role(args.role)
            if args.command == "grant":
                changed = await grant_role(session, user.id, role)
            else:
                existing = await session.get(UserRole, (user.id, role))
                changed = existing is not None
                if existing is not None:
                    await session.delete(existing)
            verb = "granted" if args.command == "grant" else "revoked"
            state = verb if changed else f"already {verb}"
            print(f"{role.value} {state} for user {user.id} ({user.display_name})")
            return 0
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m teams_app.admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("users", help="list users with their ids and roles")
    for name in ("grant", "revoke"):
        command = commands.add_parser(name, help=f"{name} a role")
        command.add_argument("user", help="user id, Teams id, Entra object id or e-mail")
        command.add_argument("role", choices=[role.value for role in Role])
    args = parser.parse_args(argv)
    try:
        return asyncio.run(run(args, Settings.from_env()))
    except BrokenPipeError:
        # The output went to a pager or `head` that closed early.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
