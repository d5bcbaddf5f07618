"""The case intake form: parsing a raw submission and validating every field."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from teams_app.domain.enums import Participant, Privacy, Urgency
from teams_app.domain.errors import FieldError, ValidationFailed
from teams_app.i18n import Translator, gettext_noop as N_

# Maximum lengths in characters, counted after Unicode NFC normalisation.
TEXT_LIMITS: dict[str, int] = {
    "essence": 1000,
    "actions_taken": 1000,
    "why_difficult": 1000,
    "question": 500,
}
TEXT_FIELDS = tuple(TEXT_LIMITS)
# Every field of the intake form, in the order the card shows them.
INTAKE_FIELDS = (
    *TEXT_FIELDS,
    "participants",
    "rubrics",
    "privacy",
    "group_consent",
    "urgency",
    "publish_consent",
)

FIELD_LABELS: dict[str, str] = {
    "essence": N_("What the problem is"),
    "actions_taken": N_("What you have already tried"),
    "why_difficult": N_("Why you cannot solve it alone"),
    "question": N_("Your question to the mentor"),
    "participants": N_("Who is involved"),
    "rubrics": N_("Problem fields"),
    "privacy": N_("Communication format"),
    "group_consent": N_("Consent to a discussion with other mentors and teachers"),
    "urgency": N_("Urgency"),
    "publish_consent": N_("Consent to publish the solved case in the library"),
    # Fields of the other cards: decline, questions, answers, solution, reflection,
    # availability and the moderator's edits of a library draft.
    "decline_reason": N_("Reason for declining"),
    "questions": N_("Questions"),
    "custom_question": N_("Your own question"),
    "answer": N_("Your answer"),
    "solution": N_("Possible solution"),
    "materials": N_("Library materials"),
    "will_do": N_("What you will do"),
    "what_changed": N_("What has changed for you"),
    "usefulness": N_("How useful the help was"),
    "comment": N_("Comment"),
    "max_open_cases": N_("Open cases at most"),
    "away_until": N_("Away until"),
    "mentor": N_("Mentor"),
    "title": N_("Title"),
    # Paging of every list in the tabs.
    "offset": N_("Start of the page"),
    "limit": N_("Page size"),
    # Fields of the event form in the calendar tab, named as the API body names them.
    "kind": N_("Event format"),
    "description": N_("Description"),
    "startsAt": N_("Start"),
    "endsAt": N_("End"),
    "timeZone": N_("Time zone"),
    "location": N_("Place"),
    "meetingUrl": N_("Meeting link"),
    "isPublic": N_("Public event"),
    "capacity": N_("Places"),
    # Fields of the case pages in the "My cases" tab, named as the API body names them.
    "actionsTaken": N_("What you have already tried"),
    "whyDifficult": N_("Why you cannot solve it alone"),
    "groupConsent": N_("Consent to a discussion with other mentors and teachers"),
    "publishConsent": N_("Consent to publish the solved case in the library"),
    "willDo": N_("What you will do"),
    "whatChanged": N_("What has changed for you"),
    "declineReason": N_("Reason for declining"),
    "customQuestions": N_("Your own question"),
    "suggestedKeys": N_("Suggested questions"),
    "materialIds": N_("Library materials"),
    "mentorId": N_("Mentor"),
    "answers": N_("Your answers"),
    "scope": N_("Which cases to show"),
    # Fields of a mentor's profile, named as the API body names them.
    "lastName": N_("Last name"),
    "firstName": N_("First name"),
    "patronymic": N_("Patronymic"),
    "position": N_("Position"),
    "university": N_("University"),
    "institute": N_("Institute"),
    "department": N_("Department"),
    "areas": N_("Areas of advice"),
    "interests": N_("Professional interests"),
    "links": N_("Links to works or projects"),
    "linkUrl": N_("Link address"),
    "linkTitle": N_("Link title"),
    "motto": N_("Professional motto"),
    "publicContact": N_("Contact details shown on the profile"),
    "awayUntil": N_("Away until"),
    "maxOpenCases": N_("Open cases at most"),
    "photo": N_("Photo"),
    "rubric": N_("Rubric"),
    "availability": N_("Availability"),
    # Fields of the forum and the news, named as the API body names them.
    "body": N_("Text"),
    "sectionKey": N_("Forum section"),
    # Fields of the library tab: search parameters, the material form and a
    # moderator's edits of an entry, named as the API names them. The library
    # search and the calendar both name their date range "from" and "to".
    "q": N_("Search text"),
    "type": N_("Entry type"),
    "from": N_("From"),
    "to": N_("To"),
    "status": N_("Status"),
    "sort": N_("Sort order"),
    "summary": N_("Summary"),
    "url": N_("Link"),
    "materialType": N_("Material type"),
    "language": N_("Language"),
    "solutionId": N_("Solution"),
    "materialId": N_("Material"),
    "clarifications": N_("Clarifying questions"),
    "clarificationQuestion": N_("Clarifying question"),
    "clarificationAnswer": N_("Answer to a clarifying question"),
    "solutions": N_("Solutions"),
    # Period of the statistics tab, named as its query parameters.
    "periodFrom": N_("Period from"),
    "periodTo": N_("Period to"),
}

E = TypeVar("E", Privacy, Urgency)

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def text_length(text: str) -> int:
    """Count characters as a reader would: after NFC normalisation."""
    return len(unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class CaseForm:
    """A validated intake submission. Text is kept as typed, less outer whitespace."""

    essence: str
    actions_taken: str
    why_difficult: str
    question: str
    participants: tuple[Participant, ...]
    rubrics: tuple[str, ...]
    privacy: Privacy
    group_consent: bool
    urgency: Urgency
    publish_consent: bool

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.texts(),
            "participants": [p.value for p in self.participants],
            "rubrics": list(self.rubrics),
            "privacy": self.privacy.value,
            "group_consent": self.group_consent,
            "urgency": self.urgency.value,
            "publish_consent": self.publish_consent,
        }


def split_multi(value: Any) -> list[str]:
    """Split a multi-select value: Teams sends one comma-joined string, tests may send a list."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def parse_bool(value: Any) -> bool | None:
    """Read a toggle value, which may arrive as a bool or as a string; None if unreadable."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    normalised = str(value).strip().lower()
    if normalised in _TRUE:
        return True
    if normalised in _FALSE:
        return False
    return None


def check_text(field: str, text: str, limit: int, *, required: bool = True) -> FieldError | None:
    """Check one stripped free-text value: presence, characters and NFC length."""
    if not text:
        return FieldError(field, "required") if required else None
    if "\x00" in text:
        # No keyboard types NUL, and PostgreSQL text columns cannot store it.
        return FieldError(field, "invalid_character")
    if (length := text_length(text)) > limit:
        return FieldError(field, "too_long", limit=limit, actual=length)
    return None


def parse_case_form(raw: Mapping[str, Any], rubric_keys: Collection[str]) -> CaseForm:
    """Validate a raw submission; raise ``ValidationFailed`` listing every bad field."""
    errors: list[FieldError] = []

    texts: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        value = raw.get(name)
        text = "" if value is None else str(value).strip()
        texts[name] = text
        if (error := check_text(name, text, limit)) is not None:
            errors.append(error)

    participants: list[Participant] = []
    for item in split_multi(raw.get("participants")):
        try:
            participant = Participant(item)
        except ValueError:
            errors.append(FieldError("participants", "unknown_choice"))
            break
        if participant not in participants:
            participants.append(participant)
    if not participants and not any(e.field == "participants" for e in errors):
        errors.append(FieldError("participants", "choose_at_least_one", limit=1))

    rubrics: list[str] = []
    for item in split_multi(raw.get("rubrics")):
        if item not in rubric_keys:
            errors.append(FieldError("rubrics", "unknown_choice"))
            break
        if item not in rubrics:
            rubrics.append(item)
    if not rubrics and not any(e.field == "rubrics" for e in errors):
        errors.append(FieldError("rubrics", "choose_at_least_one", limit=1))

    privacy = _parse_choice(raw.get("privacy"), Privacy, "privacy", errors)
    urgency = _parse_choice(raw.get("urgency"), Urgency, "urgency", errors)

    flags: dict[str, bool] = {}
    for name in ("group_consent", "publish_consent"):
        flag = parse_bool(raw.get(name))
        if flag is None:
            errors.append(FieldError(name, "invalid_boolean"))
        flags[name] = bool(flag)

    if errors:
        raise ValidationFailed(errors)
    assert privacy is not None and urgency is not None
    return CaseForm(
        **texts,
        participants=tuple(participants),
        rubrics=tuple(rubrics),
        privacy=privacy,
        group_consent=flags["group_consent"],
        urgency=urgency,
        publish_consent=flags["publish_consent"],
    )


def _parse_choice(
    value: Any, enum_cls: type[E], name: str, errors: list[FieldError]
) -> E | None:
    text = "" if value is None else str(value).strip()
    if not text:
        errors.append(FieldError(name, "required"))
        return None
    try:
        return enum_cls(text)
    except ValueError:
        errors.append(FieldError(name, "unknown_choice"))
        return None


_ERROR_MESSAGES = {
    "required": N_("«{field}» is required."),
    "too_long": N_("«{field}» must be at most {limit} characters; it has {actual}."),
    "choose_at_least_one": N_("«{field}»: choose at least one option."),
    "unknown_choice": N_("«{field}» contains an option that does not exist."),
    "invalid_boolean": N_("«{field}» must be yes or no."),
    "out_of_range": N_("«{field}» must be between 1 and {limit}."),
    "too_many": N_("«{field}»: at most {limit} at a time; you chose {actual}."),
    # Dates, times and links of the event form.
    "invalid_date_time": N_("«{field}» must be a date and time such as 2030-05-14 18:00."),
    "unknown_time_zone": N_("«{field}» is not a known time zone; choose one from the list."),
    "nonexistent_local_time": N_(
        "«{field}»: this time does not exist in the chosen time zone because the clocks "
        "move forward at that moment. Choose a time after the change."
    ),
    "ends_before_start": N_("«{field}» must be later than the start."),
    "too_long_duration": N_("«{field}»: an event may last at most {limit} days."),
    "range_too_long": N_("«{field}»: the date range may be at most {limit} days long."),
    "in_the_past": N_("«{field}» must not be in the past."),
    "too_far_ahead": N_("«{field}» must be at most {limit} years from now."),
    "invalid_url": N_("«{field}» must be a web address that starts with https://."),
    "not_a_number": N_("«{field}» must be a whole number."),
    "below_registrations": N_(
        "«{field}» must be at least {limit}: that many people have already registered."
    ),
    # Fields of a mentor's profile.
    "invalid_date": N_("«{field}» must be a date such as 2030-05-14."),
    "away_too_long": N_("«{field}» must be at most {limit} days from today."),
    "invalid_link": N_("«{field}» must be a web address that starts with http:// or https://."),
    "invalid_character": N_("«{field}» must not contain line breaks or control characters."),
    # Library entries.
    "duplicate_link": N_("«{field}»: a material with this link is already in the library."),
    "personal_data": N_(
        "«{field}» seems to contain personal data: a name, a school or organisation, "
        "a place, an e-mail address, a phone number or an address. Replace it with a "
        "placeholder such as [name]."
    ),
    "before_start": N_("«{field}» must not be earlier than the start date."),
    "item_count": N_("«{field}» must list all {limit} items, in their order."),
    # Numbers in query parameters, such as the offset and limit of a page.
    "too_small": N_("«{field}» must be at least {limit}."),
    "too_large": N_("«{field}» must be at most {limit}."),
    # The period of the statistics.
    "date_out_of_range": N_("«{field}» must be a date from 2000-01-01 to 2099-12-31."),
    "period_too_long": N_("«{field}»: the period may be at most {limit} years long."),
}


def describe_field_error(error: FieldError, translate: Translator) -> str:
    """Return the message for one field error in the translator's language."""
    # Per-item fields such as "answer_12" or "solution_0" share one label.
    base = error.field if error.field in FIELD_LABELS else error.field.rsplit("_", 1)[0]
    label = translate(FIELD_LABELS.get(base, error.field))
    template = _ERROR_MESSAGES.get(error.code, N_("«{field}» is invalid."))
    limit = _format_count(error.limit, translate.language)
    actual = _format_count(error.actual, translate.language)
    return translate(template, field=label, limit=limit, actual=actual)


def _format_count(value: int | None, language: str) -> str:
    """Group thousands as the language does («1 000» in Russian, "1,000" in English)."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", "\u00a0" if language == "ru" else ",")
