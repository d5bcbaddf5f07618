"""The library's answer to a new case: similar solved cases and materials."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards.common import (
    CASE_KEY,
    Card,
    Element,
    action_set,
    adaptive_card,
    clip,
    container,
    execute,
    heading,
    note,
    open_url,
    stale_note,
    status_line,
    text_block,
)
from bot.cards.intake import withdraw_action
from bot.cards.labels import rubrics_text
from bot.verbs import Verb
from teams_app.domain.enums import LibraryEntryKind
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.views import CaseView, LibraryHitView, RubricView

# Library hits the card shows at most; the workflow stores five per case.
MAX_HITS = 5
SUMMARY_LIMIT = 400

_KIND_LABELS = {
    LibraryEntryKind.SOLVED_CASE: N_("Solved case"),
    LibraryEntryKind.MATERIAL: N_("Material"),
}


def build_library_answer_card(
    view: CaseView,
    hits: Sequence[LibraryHitView],
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    actionable: bool,
    latest: bool = True,
) -> Card:
    """Show the library's hits for a new case with the choice to close it or find a mentor."""
    body: list[Element] = [
        heading(translate("Case {number}: the library's answer", number=view.number)),
        status_line(translate, view.number, view.status),
    ]
    if hits:
        body.append(
            text_block(
                translate(
                    "Your case is registered. The library may already hold an answer: "
                    "here are similar solved cases and materials."
                )
            )
        )
        body += [_hit(hit, translate, rubrics) for hit in hits[:MAX_HITS]]
    else:
        body.append(
            text_block(
                translate(
                    "Your case is registered. The library holds nothing similar yet, "
                    "so let us find a mentor for you."
                )
            )
        )
    if not latest:
        body.append(stale_note(translate))

    actions: list[Element] = []
    if actionable:
        if hits:
            actions.append(
                execute(
                    translate("Answered by the library — close the case"),
                    Verb.CLOSE_BY_LIBRARY,
                    {CASE_KEY: view.id},
                )
            )
        actions.append(execute(translate("Find a mentor"), Verb.FIND_MENTOR, {CASE_KEY: view.id}))
        actions.append(withdraw_action(view, translate))
    return adaptive_card(body, actions)


def _hit(hit: LibraryHitView, translate: Translator, rubrics: Sequence[RubricView]) -> Element:
    about = [translate(_KIND_LABELS[hit.kind]), rubrics_text(hit.rubrics, rubrics)]
    items: list[Element] = [
        text_block(hit.title, weight="Bolder"),
        note(" · ".join(part for part in about if part)),
    ]
    if hit.summary:
        items.append(text_block(clip(hit.summary, SUMMARY_LIMIT), spacing="Small"))
    if hit.url:
        items.append(action_set([open_url(translate("Open"), hit.url)]))
    return container(items, separator=True)
