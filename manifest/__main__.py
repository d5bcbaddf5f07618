"""Build the Teams app package, or redraw its icons.

    python -m manifest build [--out var/mentoring-teams-app.zip] [--demo]
    python -m manifest icons

``build`` reads the same environment variables as the app
(MENTORING_PUBLIC_BASE_URL, MENTORING_TEAMS_APP_ID, MENTORING_APP_VERSION,
MICROSOFT_APP_ID, MENTORING_AAD_CLIENT_ID), validates the package offline
against the official schema and writes the zip only when it is valid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from manifest.content import DEMO_BOT_APP_ID, MANIFEST_VERSION, PackageConfigError
from manifest.icons import write_icons
from manifest.package import DEFAULT_OUTPUT, MANIFEST_FOLDER, InvalidPackage, build_package
from manifest.validation import SchemaNotInstalled
from teams_app.settings import Settings


def _build(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        package = build_package(settings, args.out, demo=args.demo)
    except PackageConfigError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except SchemaNotInstalled as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except InvalidPackage as error:
        print(
            f"error: the package is invalid, so {args.out} was not written:",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1

    identity = package.identity
    print(f"wrote {args.out} (manifest {MANIFEST_VERSION}, app version {identity.version})")
    print(f"  Teams app id: {identity.teams_app_id}")
    print(f"  bot app id:   {identity.bot_app_id}")
    print(f"  SSO resource: {package.manifest['webApplicationInfo']['resource']}")
    print(f"  files:        {', '.join(package.files)}")
    if identity.bot_app_id == DEMO_BOT_APP_ID:
        print(
            "warning: the bot id is the --demo placeholder; Teams will not accept this "
            "package until MICROSOFT_APP_ID is set",
            file=sys.stderr,
        )
    return 0


def _icons(args: argparse.Namespace) -> int:
    for path in write_icons(MANIFEST_FOLDER):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m manifest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="validate and zip the Teams app package")
    build.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"path of the zip to write (default: {DEFAULT_OUTPUT})",
    )
    build.add_argument(
        "--demo",
        action="store_true",
        help=(
            f"use the placeholder bot id {DEMO_BOT_APP_ID} when MICROSOFT_APP_ID is unset "
            "(Teams rejects such a package)"
        ),
    )
    build.set_defaults(run=_build)

    icons = commands.add_parser("icons", help="redraw color.png and outline.png in manifest/")
    icons.set_defaults(run=_icons)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
