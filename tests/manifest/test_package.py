"""The built zip: its layout, icons, ids and hosts, and what it declares."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from bot.dispatch import command_for
from manifest.content import (
    MANIFEST_VERSION,
    SEARCH_COMMAND_ID,
    PackageConfigError,
    build_manifest,
    resolve_identity,
)
from manifest.package import assemble_package, build_package
from manifest.validation import (
    SCHEMA_DIR,
    load_schema,
    localizable_strings,
    localization_problems,
    manifest_problems,
)
from tests.manifest.samples import (
    APP_VERSION,
    BOT_APP_ID,
    PUBLIC_HOST,
    SSO_CLIENT_ID,
    TEAMS_APP_ID,
    custom_settings,
    read_zip,
)

PACKAGE_FILES = {"manifest.json", "color.png", "outline.png", "ru-ru.json"}
TAB_PAGES = ["my", "library", "mentors", "calendar", "forum", "news", "stats"]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _manifest(built_zip: Path) -> dict:
    return json.loads(read_zip(built_zip)["manifest.json"])


def _russian(built_zip: Path) -> dict:
    return json.loads(read_zip(built_zip)["ru-ru.json"])


# ------------------------------------------------------------------ layout


def test_zip_holds_exactly_package_files(built_zip: Path) -> None:
    names = set(read_zip(built_zip))
    assert names == PACKAGE_FILES


def test_zip_entries_sit_at_root(built_zip: Path) -> None:
    for name in read_zip(built_zip):
        assert "/" not in name, name
        assert "\\" not in name, name


def test_manifest_names_files_in_zip(built_zip: Path) -> None:
    manifest = _manifest(built_zip)
    names = set(read_zip(built_zip))
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["icons"]["color"] in names
    assert manifest["icons"]["outline"] in names
    languages = manifest["localizationInfo"]["additionalLanguages"]
    assert languages == [{"languageTag": "ru-ru", "file": "ru-ru.json"}]
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "en-us"


def test_same_settings_give_same_bytes(tmp_path: Path) -> None:
    first = build_package(custom_settings(), tmp_path / "a.zip")
    second = build_package(custom_settings(), tmp_path / "b.zip")
    assert first.files == second.files
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


# ------------------------------------------------------------------- icons


def test_color_icon_size_and_format(built_zip: Path) -> None:
    image = Image.open(io.BytesIO(read_zip(built_zip)["color.png"]))
    assert image.format == "PNG"
    assert image.size == (192, 192)
    assert image.mode in {"RGB", "RGBA"}


def test_outline_icon_is_white_on_transparent(built_zip: Path) -> None:
    image = Image.open(io.BytesIO(read_zip(built_zip)["outline.png"]))
    assert image.format == "PNG"
    assert image.size == (32, 32)
    assert image.mode == "RGBA"
    for corner in [(0, 0), (31, 0), (0, 31), (31, 31)]:
        assert image.getpixel(corner)[3] == 0, corner
    pixels = [image.getpixel((x, y)) for y in range(32) for x in range(32)]
    visible = [pixel for pixel in pixels if pixel[3] > 0]
    opaque = [pixel for pixel in pixels if pixel[3] == 255]
    assert len(opaque) > 50, "the outline draws almost nothing"
    assert len(visible) < len(pixels) // 2, "most of the background must be transparent"
    assert all(pixel[:3] == (255, 255, 255) for pixel in visible)


# ------------------------------------------------------------- validation


def test_built_manifest_passes_schema(built_zip: Path) -> None:
    assert manifest_problems(_manifest(built_zip)) == []


def test_russian_file_passes_schema(built_zip: Path) -> None:
    problems = localization_problems(_russian(built_zip), _manifest(built_zip), "ru-ru.json")
    assert problems == []


def test_manifest_uses_newest_bundled_schema() -> None:
    bundled = [
        tuple(int(part) for part in folder.name[1:].split("."))
        for folder in SCHEMA_DIR.parent.iterdir()
        if re.fullmatch(r"v\d+\.\d+", folder.name)
    ]
    newest = ".".join(str(part) for part in max(bundled))
    assert MANIFEST_VERSION == newest
    schema = load_schema("MicrosoftTeams.schema.json")
    assert schema["properties"]["manifestVersion"]["const"] == MANIFEST_VERSION


# ------------------------------------------------------ ids and host names


def test_ids_come_from_settings(built_zip: Path) -> None:
    manifest = _manifest(built_zip)
    assert manifest["id"] == TEAMS_APP_ID
    assert manifest["version"] == APP_VERSION
    assert manifest["bots"][0]["botId"] == BOT_APP_ID
    assert manifest["composeExtensions"][0]["botId"] == BOT_APP_ID
    assert manifest["webApplicationInfo"] == {
        "id": SSO_CLIENT_ID,
        "resource": f"api://{PUBLIC_HOST}/{SSO_CLIENT_ID}",
    }


def test_host_comes_from_settings(built_zip: Path) -> None:
    manifest = _manifest(built_zip)
    assert manifest["validDomains"] == [PUBLIC_HOST]
    for url in manifest["developer"].values():
        if url.startswith("http"):
            assert url.startswith(f"https://{PUBLIC_HOST}/"), url
    for tab in manifest["staticTabs"]:
        for key in ("contentUrl", "websiteUrl"):
            if key in tab:
                assert tab[key].startswith(f"https://{PUBLIC_HOST}/tabs/"), tab


def test_sso_client_defaults_to_bot_id() -> None:
    identity = resolve_identity(custom_settings(aad_client_id=""))
    manifest = build_manifest(identity)
    assert manifest["webApplicationInfo"]["id"] == BOT_APP_ID
    assert manifest["webApplicationInfo"]["resource"] == f"api://{PUBLIC_HOST}/{BOT_APP_ID}"


def test_port_stays_in_host() -> None:
    identity = resolve_identity(custom_settings(public_base_url="https://localhost:3978/"))
    manifest = build_manifest(identity)
    assert manifest["validDomains"] == ["localhost:3978"]
    assert manifest["webApplicationInfo"]["resource"] == f"api://localhost:3978/{SSO_CLIENT_ID}"
    assert manifest["staticTabs"][1]["websiteUrl"] == "https://localhost:3978/tabs/my"


def test_upper_case_host_is_lowered() -> None:
    identity = resolve_identity(custom_settings(public_base_url="https://Mentoring.Example.ORG"))
    assert identity.host == PUBLIC_HOST
    assert identity.base_url == f"https://{PUBLIC_HOST}"


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"app_id": ""}, "MICROSOFT_APP_ID is not set"),
        ({"app_id": "my-bot"}, "MICROSOFT_APP_ID must be a GUID"),
        ({"aad_client_id": "not-a-guid"}, "MENTORING_AAD_CLIENT_ID must be a GUID"),
        ({"teams_app_id": "123"}, "MENTORING_TEAMS_APP_ID must be a GUID"),
        ({"app_version": "1.0"}, "MENTORING_APP_VERSION must be MAJOR.MINOR.PATCH"),
        ({"app_version": "1.02.3"}, "MENTORING_APP_VERSION must be MAJOR.MINOR.PATCH"),
        ({"public_base_url": "http://mentoring.example.org"}, "must be an https:// URL"),
        ({"public_base_url": "https://"}, "must be an https:// URL"),
        ({"public_base_url": "https://example.org/app"}, "with no path, query or user"),
    ],
)
def test_unusable_settings_rejected(changes: dict, variable: str) -> None:
    with pytest.raises(PackageConfigError) as raised:
        resolve_identity(custom_settings(**changes))
    assert len(raised.value.problems) == 1
    assert variable in raised.value.problems[0]


def test_all_settings_problems_listed() -> None:
    settings = custom_settings(app_id="", teams_app_id="x", public_base_url="http://a")
    with pytest.raises(PackageConfigError) as raised:
        resolve_identity(settings)
    assert len(raised.value.problems) == 3


def test_demo_fills_only_missing_bot_id() -> None:
    demo = resolve_identity(custom_settings(app_id="", aad_client_id=""), demo=True)
    assert demo.bot_app_id != BOT_APP_ID
    assert demo.sso_client_id == demo.bot_app_id
    real = resolve_identity(custom_settings(), demo=True)
    assert real.bot_app_id == BOT_APP_ID


# --------------------------------------------------------- what it declares


def test_bot_is_personal_only(built_zip: Path) -> None:
    bot = _manifest(built_zip)["bots"][0]
    assert bot["scopes"] == ["personal"]
    assert [command_list["scopes"] for command_list in bot["commandLists"]] == [["personal"]]


def test_bot_commands_match_dispatch(built_zip: Path) -> None:
    commands = _manifest(built_zip)["bots"][0]["commandLists"][0]["commands"]
    russian = _russian(built_zip)
    assert len(commands) >= 6
    for index, command in enumerate(commands):
        key = f"bots[0].commandLists[0].commands[{index}].title"
        english_command = command_for(command["title"])
        russian_command = command_for(russian[key])
        assert english_command is not None, command["title"]
        assert russian_command is not None, russian[key]
        assert english_command == russian_command, (command["title"], russian[key])


def test_static_tabs(built_zip: Path) -> None:
    tabs = _manifest(built_zip)["staticTabs"]
    assert [tab["entityId"] for tab in tabs] == ["conversations", *TAB_PAGES, "about"]
    for tab in tabs:
        assert tab["scopes"] == ["personal"]
    for tab in tabs[1:-1]:
        page = tab["entityId"]
        base = f"https://{PUBLIC_HOST}/tabs/{page}"
        assert tab["contentUrl"] == f"{base}?locale={{locale}}&theme={{theme}}"
        assert tab["websiteUrl"] == base
        assert tab["name"]
    assert tabs[7]["name"] == "Statistics"


def test_search_message_extension(built_zip: Path) -> None:
    extensions = _manifest(built_zip)["composeExtensions"]
    assert len(extensions) == 1
    commands = extensions[0]["commands"]
    assert len(commands) == 1
    command = commands[0]
    assert command["id"] == SEARCH_COMMAND_ID == "searchLibrary"
    assert command["type"] == "query"
    assert command["initialRun"] is True
    assert command["context"] == ["compose", "commandBox"]
    assert [parameter["name"] for parameter in command["parameters"]] == ["query"]


def test_permissions_and_no_device_access(built_zip: Path) -> None:
    manifest = _manifest(built_zip)
    assert manifest["permissions"] == ["identity", "messageTeamMembers"]
    assert "devicePermissions" not in manifest


# ---------------------------------------------------------------- Russian


def test_russian_covers_every_localizable_string(built_zip: Path) -> None:
    manifest = _manifest(built_zip)
    russian = _russian(built_zip)
    schema = load_schema("MicrosoftTeams.Localization.schema.json")
    english = localizable_strings(manifest, schema)
    assert "name.short" in english
    assert "staticTabs[7].name" in english
    assert "composeExtensions[0].commands[0].parameters[0].title" in english
    assert set(russian) - {"$schema"} == set(english)


def test_russian_texts_are_russian(built_zip: Path) -> None:
    russian = _russian(built_zip)
    manifest = _manifest(built_zip)
    schema = load_schema("MicrosoftTeams.Localization.schema.json")
    english = localizable_strings(manifest, schema)
    for key, text in english.items():
        assert CYRILLIC.search(russian[key]), (key, russian[key])
        assert russian[key] != text, key


def test_assembled_files_match_zip(built_zip: Path) -> None:
    package = assemble_package(custom_settings())
    assert package.files == read_zip(built_zip)
