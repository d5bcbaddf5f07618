"""Cards of the library search in the compose box: the card put into a chat and its preview.

Library entries are anonymised before they are published, so these cards
show their texts as stored and add no names.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.cards.common import (
    Card,
    Element,
    adaptive_card,
    clip,
    heading,
    labelled_text,
    note,
    open_url,
    text_block,
)
from bot.cards.labels import rubrics_text
from teams_app.domain.enums import LibraryEntryKind, MaterialType
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.views import LibraryEntryView, RubricView

SUMMARY_LIMIT = 400
EXCERPT_LIMIT = 300
PREVIEW_TEXT_LIMIT = 100

_SOLVED_CASE = N_("Solved case")
_MATERIAL = N_("Material")
_MATERIAL_TYPE_LABELS = {
    MaterialType.ARTICLE: N_("Article"),
    MaterialType.BOOK: N_("Book"),
    MaterialType.LINK: N_("Link"),
    MaterialType.VIDEO: N_("Video"),
}


def kind_label(entry: LibraryEntryView, translate: Translator) -> str:
    """Name what an entry is: a solved case, or the type of a material."""
    if entry.kind == LibraryEntryKind.SOLVED_CASE:
        return translate(_SOLVED_CASE)
    if entry.material_type is not None:
        return translate(_MATERIAL_TYPE_LABELS[entry.material_type])
    return translate(_MATERIAL)


def build_search_result_card(
    entry: LibraryEntryView,
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    entry_page_url: str,
) -> Card:
    """Build the card that the compose box puts into a chat for a chosen library entry."""
    about = [kind_label(entry, translate), rubrics_text(entry.rubrics, rubrics)]
    body: list[Element] = [
        heading(entry.title),
        note(" · ".join(part for part in about if part)),
    ]
    if entry.summary:
        body.append(text_block(clip(entry.summary, SUMMARY_LIMIT)))
    essence = str(entry.body.get("essence") or "")
    if entry.kind == LibraryEntryKind.SOLVED_CASE and essence:
        body += labelled_text(translate("The case"), clip(essence, EXCERPT_LIMIT))

    actions = [open_url(translate("Open in the library"), entry_page_url)]
    if entry.kind == LibraryEntryKind.MATERIAL and entry.url and _is_web_link(entry.url):
        body.append(note(entry.url))
        actions.append(open_url(translate("Open the material"), entry.url))
    return adaptive_card(body, actions)


def build_search_result_preview(entry: LibraryEntryView, translate: Translator) -> Card:
    """Build the content of the thumbnail card that shows an entry in the result list."""
    line = kind_label(entry, translate)
    if entry.summary:
        line = clip(f"{line} · {' '.join(entry.summary.split())}", PREVIEW_TEXT_LIMIT)
    return {"title": entry.title, "text": line}


def _is_web_link(url: str) -> bool:
    # Action.OpenUrl takes any scheme, and a material's link is typed by a person.
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
