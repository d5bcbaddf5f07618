"""The manifest document of the Teams app, built from the app's settings.

English texts live here; the Russian ones are in ``ru-ru.json``, keyed by
the manifest paths that the localization schema allows to translate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from teams_app.settings import Settings

# The newest numbered schema that npm @microsoft/app-manifest 1.1.2 bundles
# (build/json-schemas/teams/v1.30). The only newer one there is vDevPreview.
MANIFEST_VERSION = "1.30"
SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"
    "/MicrosoftTeams.schema.json"
)
LOCALIZATION_SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"
    "/MicrosoftTeams.Localization.schema.json"
)

# Stands in for an unset MICROSOFT_APP_ID in a package built with --demo.
# Teams rejects a bot whose id is not registered with the Bot Framework, so
# such a package only serves to try the layout and the validation.
DEMO_BOT_APP_ID = "00000000-0000-4000-8000-00000000d3e0"

COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
RUSSIAN_FILE = "ru-ru.json"
ACCENT_COLOR = "#2E6DB4"

DEVELOPER_NAME = "Case Mentoring"

# Personal tabs served at {public_base_url}/tabs/<entity id>, in display order.
TAB_PAGES: tuple[tuple[str, str], ...] = (
    ("my", "My cases"),
    ("library", "Library"),
    ("mentors", "Mentors"),
    ("calendar", "Calendar"),
    ("forum", "Forum"),
    ("news", "News"),
    ("stats", "Statistics"),
)

# Typed bot commands as Teams suggests them in the personal chat. Each title
# is a command word of bot.dispatch.COMMANDS, and ru-ru.json contains the
# Russian command word at the same index.
BOT_COMMANDS: tuple[tuple[str, str], ...] = (
    ("menu", "Show the welcome card with the actions of your roles"),
    ("new case", "Describe a problem situation and get help from a mentor"),
    ("my cases", "List your cases with their status"),
    ("my requests", "Mentors: the cases offered to you and the ones you lead"),
    ("availability", "Mentors: set your away date and how many open cases you take"),
    ("moderation", "Moderators: drafts to approve and cases without a mentor"),
    ("russian", "Talk to the bot in Russian"),
    ("english", "Talk to the bot in English"),
)

# The search-based message extension. The bot handles the
# composeExtension/query activities whose commandId is this id.
SEARCH_COMMAND_ID = "searchLibrary"
SEARCH_PARAMETER = "query"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Teams requires MAJOR.MINOR.PATCH, which the v1.30 schema does not check:
# it only limits the version's length.
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


class PackageConfigError(Exception):
    """Settings that cannot produce an uploadable package, one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PackageIdentity:
    """The ids and addresses that a package takes from the settings."""

    teams_app_id: str
    version: str
    bot_app_id: str
    sso_client_id: str
    # Public HTTPS origin without a trailing slash, e.g. "https://mentoring.example.org".
    base_url: str
    # Host name with the port when the URL names one, e.g. "localhost:3978".
    host: str


def resolve_identity(settings: Settings, *, demo: bool = False) -> PackageIdentity:
    """Check the settings behind the package and collect its ids and host.

    Raises ``PackageConfigError`` listing every problem, each naming its
    environment variable. With ``demo``, an unset ``MICROSOFT_APP_ID``
    becomes ``DEMO_BOT_APP_ID``.
    """
    problems: list[str] = []

    bot_app_id = settings.app_id.strip()
    if not bot_app_id:
        if demo:
            bot_app_id = DEMO_BOT_APP_ID
        else:
            problems.append(
                "MICROSOFT_APP_ID is not set: the package needs the bot's Microsoft App ID "
                "(a GUID from its Azure Bot registration). Set it, or pass --demo to build "
                f"a package with the placeholder id {DEMO_BOT_APP_ID} that Teams will not accept."
            )
    elif not _GUID.match(bot_app_id):
        problems.append(f"MICROSOFT_APP_ID must be a GUID, got {bot_app_id!r}.")

    sso_client_id = settings.aad_client_id.strip() or bot_app_id
    if settings.aad_client_id.strip() and not _GUID.match(sso_client_id):
        problems.append(f"MENTORING_AAD_CLIENT_ID must be a GUID, got {sso_client_id!r}.")

    teams_app_id = settings.teams_app_id.strip()
    if not _GUID.match(teams_app_id):
        problems.append(f"MENTORING_TEAMS_APP_ID must be a GUID, got {teams_app_id!r}.")

    version = settings.app_version.strip()
    if not _SEMVER.match(version):
        problems.append(
            f"MENTORING_APP_VERSION must be MAJOR.MINOR.PATCH such as 1.0.0, got {version!r}."
        )

    base_url = settings.public_base_url.strip().rstrip("/")
    parts = urlsplit(base_url)
    host = ""
    if parts.scheme != "https" or not parts.hostname:
        problems.append(
            "MENTORING_PUBLIC_BASE_URL must be an https:// URL with a host name, because "
            f"Teams loads tabs over HTTPS only; got {settings.public_base_url!r}."
        )
    elif parts.path or parts.query or parts.fragment or parts.username:
        problems.append(
            "MENTORING_PUBLIC_BASE_URL must be an origin such as https://mentoring.example.org, "
            f"with no path, query or user; got {settings.public_base_url!r}."
        )
    else:
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"

    if problems:
        raise PackageConfigError(problems)
    return PackageIdentity(
        teams_app_id=teams_app_id,
        version=version,
        bot_app_id=bot_app_id,
        sso_client_id=sso_client_id,
        base_url=f"{parts.scheme}://{host}",
        host=host,
    )


def build_manifest(identity: PackageIdentity) -> dict[str, Any]:
    """Build the manifest document in English, with Russian in ``ru-ru.json``."""
    base = identity.base_url
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": identity.version,
        "id": identity.teams_app_id,
        "localizationInfo": {
            "defaultLanguageTag": "en-us",
            "additionalLanguages": [{"languageTag": "ru-ru", "file": RUSSIAN_FILE}],
        },
        # Teams shows these links on the app's details page; tabs/legal.py serves them.
        "developer": {
            "name": DEVELOPER_NAME,
            "websiteUrl": f"{base}/",
            "privacyUrl": f"{base}/privacy",
            "termsOfUseUrl": f"{base}/terms",
        },
        "name": {
            "short": "Case Mentoring",
            "full": "Case mentoring for young teachers",
        },
        "description": {
            "short": "Help from university mentors with concrete cases from school",
            "full": (
                "Young teachers describe a problem situation at school (a case) to the bot "
                "and first get similar solved cases from the library. The case then goes to "
                "an available university mentor who is competent in its area; the mentor "
                "asks clarifying questions and offers a possible solution. With the "
                "teacher's consent the solved case, stripped of names, schools and contacts, "
                "joins the library. Tabs hold your cases, the library, mentor profiles, a "
                "calendar of events, a forum, news and, for moderators, statistics. Search "
                "the library from the compose box of any chat."
            ),
        },
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": identity.bot_app_id,
                # The bot sends cards and runs commands in 1:1 chats only.
                "scopes": ["personal"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": ["personal"],
                        "commands": [
                            {"title": title, "description": description}
                            for title, description in BOT_COMMANDS
                        ],
                    }
                ],
            }
        ],
        "staticTabs": _static_tabs(base),
        "composeExtensions": [
            {
                "botId": identity.bot_app_id,
                "composeExtensionType": "botBased",
                "commands": [
                    {
                        "id": SEARCH_COMMAND_ID,
                        "type": "query",
                        "title": "Library",
                        "description": "Find solved cases and materials to share in the chat",
                        "initialRun": True,
                        "context": ["compose", "commandBox"],
                        "parameters": [
                            {
                                "name": SEARCH_PARAMETER,
                                "title": "Search",
                                "description": "Words from a case or a material",
                                "inputType": "text",
                            }
                        ],
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [identity.host],
        "webApplicationInfo": {
            "id": identity.sso_client_id,
            "resource": f"api://{identity.host}/{identity.sso_client_id}",
        },
    }


def _static_tabs(base: str) -> list[dict[str, Any]]:
    # "conversations" is the chat with the bot and "about" the app details.
    # Teams draws both itself, so they carry no URL or name.
    tabs: list[dict[str, Any]] = [{"entityId": "conversations", "scopes": ["personal"]}]
    for page, name in TAB_PAGES:
        tabs.append(
            {
                "entityId": page,
                "name": name,
                # Teams fills in {locale} and {theme} when it loads the tab.
                "contentUrl": f"{base}/tabs/{page}?locale={{locale}}&theme={{theme}}",
                "websiteUrl": f"{base}/tabs/{page}",
                "scopes": ["personal"],
            }
        )
    tabs.append({"entityId": "about", "scopes": ["personal"]})
    return tabs
