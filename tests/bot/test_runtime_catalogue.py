"""The Russian catalogue of the bot runtime (bot.po) against the messages in bot/*.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = ROOT / "teams_app" / "locale" / "ru" / "LC_MESSAGES"
BOT_PO = LOCALE_DIR / "bot.po"


def runtime_message_ids() -> set[str]:
    """Extract literals passed to ``translate`` or ``N_`` in bot/, leaving out bot/cards."""
    found = extract_from_dir(
        str(ROOT / "bot"),
        method_map=[("**.py", "python")],
        keywords={"translate": None, "N_": None},
    )
    return {
        message
        for filename, _, message, _, _ in found
        if isinstance(message, str) and not filename.startswith("cards")
    }


def read_catalogue(path: Path) -> dict[str, Any]:
    with path.open("rb") as po_file:
        return {str(m.id): m for m in read_po(po_file, locale="ru") if m.id}


def test_extraction_finds_runtime_messages() -> None:
    ids = runtime_message_ids()
    assert "The form was not saved:" in ids
    assert "Your availability is saved." in ids


def test_every_runtime_message_has_russian() -> None:
    catalogue = read_catalogue(BOT_PO)
    missing = [
        message_id
        for message_id in sorted(runtime_message_ids())
        if message_id not in catalogue
        or not catalogue[message_id].string
        or catalogue[message_id].fuzzy
    ]
    assert not missing


def test_runtime_catalogue_has_no_unused_messages() -> None:
    assert not set(read_catalogue(BOT_PO)) - runtime_message_ids()


def test_runtime_translations_keep_placeholders() -> None:
    for message_id, message in read_catalogue(BOT_PO).items():
        expected = set(re.findall(r"\{(\w+)\}", message_id))
        assert set(re.findall(r"\{(\w+)\}", str(message.string))) == expected, message_id


def test_runtime_shares_translations_with_other_catalogues() -> None:
    """A message id in two catalogues needs one translation, or the load order decides."""
    runtime = read_catalogue(BOT_PO)
    for path in sorted(LOCALE_DIR.glob("*.po")):
        if path == BOT_PO:
            continue
        for message_id, message in read_catalogue(path).items():
            if message_id in runtime:
                assert runtime[message_id].string == message.string, (path.name, message_id)
