"""Domain errors: a stable code, structured fields and a translatable message.

Each adapter turns them into its own form in one place: an error card or a
message in the bot, a problem response in the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from teams_app.i18n import Translator, gettext_noop as N_


class DomainError(Exception):
    """Base of every error a user may cause; ``code`` is stable, ``message_id`` translatable."""

    code = "domain_error"
    message_id = N_("The action failed.")

    def __init__(self, **fields: object) -> None:
        self.fields = fields
        super().__init__(f"{self.code}: {fields}")

    def render(self, translate: Translator) -> str:
        return translate(self.message_id, **self.fields)


class NotFound(DomainError):
    code = "not_found"
    message_id = N_("Not found: {what}.")


# Names of the roles in messages, by the stored value of ``Role``.
ROLE_NAMES = {
    "teacher": N_("Teacher"),
    "mentor": N_("Mentor"),
    "moderator": N_("Moderator"),
    "admin": N_("Administrator"),
}


class NotPermitted(DomainError):
    code = "not_permitted"
    message_id = N_("You are not allowed to do this: it needs the role «{role}».")

    def render(self, translate: Translator) -> str:
        role = str(self.fields.get("role", ""))
        return translate(self.message_id, role=translate(ROLE_NAMES.get(role, role)))


class StaleAction(DomainError):
    """A click on a card whose action no longer applies to the case."""

    code = "stale_action"
    message_id = N_(
        "This card is out of date: case {number} is now «{status}». "
        "Nothing was changed; use the newest card."
    )


class AlreadyProcessed(DomainError):
    """A retried delivery of an activity that was already acted on."""

    code = "already_processed"
    message_id = N_("This action was already received and processed. Nothing was changed.")


class RevisionLimitReached(DomainError):
    code = "revision_limit"
    message_id = N_("Case {number} already has {limit} versions; it cannot be redefined again.")


class SecondOpinionUsed(DomainError):
    code = "second_opinion_used"
    message_id = N_("A second opinion on case {number} was already requested once.")


class MentorUnavailable(DomainError):
    code = "mentor_unavailable"
    message_id = N_("This mentor can no longer take case {number}. Please choose another one.")


class CaseAlreadyHeld(DomainError):
    """Another mentor is assigned to the case; raised when the database rejects a second one."""

    code = "case_already_held"
    message_id = N_("Case {number} is already held by another mentor.")


@dataclass(frozen=True)
class FieldError:
    """One invalid form field: ``code`` names the fault, ``limit`` and ``actual`` the numbers."""

    field: str
    code: str
    limit: int | None = None
    actual: int | None = None


class ValidationFailed(DomainError):
    code = "validation_failed"
    message_id = N_("Please correct the highlighted fields.")

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__(count=len(self.errors))
