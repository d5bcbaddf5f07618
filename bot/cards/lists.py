"""List cards: the teacher's cases, the mentor's requests and the moderation queue."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards.common import (
    Card,
    Element,
    adaptive_card,
    execute,
    fact_set,
    heading,
    note,
    subheading,
    text_block,
)
from bot.cards.labels import ASSIGNMENT_STATUS_LABELS, status_label
from bot.verbs import Verb
from teams_app.domain.enums import AssignmentStatus, CaseStatus
from teams_app.i18n import Translator

# Rows a list card shows at most; a note counts the rest.
MAX_ROWS = 25


def build_my_cases_card(
    translate: Translator, cases: Sequence[tuple[int, str, CaseStatus]]
) -> Card:
    """List the teacher's cases, newest first, as ``Workflow.my_cases`` returns them."""
    body: list[Element] = [heading(translate("My cases"))]
    if cases:
        body.append(
            fact_set(
                (translate("Case {number}", number=number), status_label(status, translate))
                for _, number, status in cases[:MAX_ROWS]
            )
        )
        body += _more_note(len(cases), translate)
    else:
        body.append(text_block(translate("You have no cases yet.")))
    return adaptive_card(body, [execute(translate("New case"), Verb.NEW_CASE)])


def build_my_requests_card(
    translate: Translator, requests: Sequence[tuple[int, int, str, AssignmentStatus]]
) -> Card:
    """List the mentor's open offers and cases, as ``Workflow.mentor_requests`` returns them."""
    body: list[Element] = [heading(translate("My requests"))]
    if requests:
        body.append(
            fact_set(
                (
                    translate("Case {number}", number=number),
                    translate(ASSIGNMENT_STATUS_LABELS[status]),
                )
                for _, _, number, status in requests[:MAX_ROWS]
            )
        )
        body += _more_note(len(requests), translate)
    else:
        body.append(text_block(translate("You have no open requests.")))
    return adaptive_card(body, [execute(translate("Availability"), Verb.AVAILABILITY)])


def build_moderation_queue_card(
    translate: Translator, drafts: Sequence[int], stuck_cases: Sequence[tuple[int, str]]
) -> Card:
    """Summarise what waits for moderators, as ``Workflow.awaiting_moderation`` returns it."""
    body: list[Element] = [heading(translate("Awaiting approval"))]
    if not drafts and not stuck_cases:
        body.append(text_block(translate("Nothing is waiting for a moderator.")))
        return adaptive_card(body)
    body.append(subheading(translate("Library drafts to check"), separator=False))
    if drafts:
        body.append(
            text_block(
                ", ".join(translate("Draft #{id}", id=entry_id) for entry_id in drafts[:MAX_ROWS])
            )
        )
        body += _more_note(len(drafts), translate)
    else:
        body.append(text_block(translate("None.")))
    body.append(subheading(translate("Cases without a mentor")))
    if stuck_cases:
        body.append(
            text_block(
                ", ".join(
                    translate("Case {number}", number=number)
                    for _, number in stuck_cases[:MAX_ROWS]
                )
            )
        )
        body += _more_note(len(stuck_cases), translate)
    else:
        body.append(text_block(translate("None.")))
    return adaptive_card(body)


def _more_note(total: int, translate: Translator) -> list[Element]:
    if total <= MAX_ROWS:
        return []
    return [note(translate("And {count} more.", count=total - MAX_ROWS))]
