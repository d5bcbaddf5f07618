"""The dispatch table: each card verb and text command mapped to one coroutine.

A route parses the submission into a typed record (``bot.submissions``),
calls one workflow operation and returns an ``ActionResult`` saying what to
show. ``run_action`` is the only place that turns errors into responses.
Nothing here touches the Bot Framework; ``bot.handler`` does the I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

from bot.cards.common import LANGUAGE_KEY, Card, describe_input_error
from bot.cards.intake import build_intake_card
from bot.cards.labels import ENTRY_STATUS_LABELS, status_label
from bot.cards.lists import (
    build_moderation_queue_card,
    build_my_cases_card,
    build_my_requests_card,
)
from bot.cards.render import render_availability, render_card, render_redefine_form
from bot.cards.welcome import build_welcome_card
from bot.submissions import (
    AnswersInput,
    AvailabilityInput,
    CaseChoice,
    CaseFormInput,
    EntryChoice,
    EntryEdits,
    LanguageChoice,
    MentorChoice,
    NoInput,
    OfferChoice,
    OfferDecline,
    QuestionsInput,
    ReflectionInput,
    SolutionInput,
    parse_answers,
    parse_availability,
    parse_case,
    parse_case_form,
    parse_decline,
    parse_entry,
    parse_entry_edits,
    parse_language,
    parse_mentor_pick,
    parse_moderator_assign,
    parse_nothing,
    parse_offer,
    parse_questions,
    parse_reflection,
    parse_solution,
)
from bot.verbs import Verb
from teams_app.domain.enums import CardKind, CaseStatus, LibraryEntryStatus, Role
from teams_app.domain.errors import (
    AlreadyProcessed,
    DomainError,
    FieldError,
    NotPermitted,
    StaleAction,
    ValidationFailed,
)
from teams_app.domain.intake import FIELD_LABELS
from teams_app.i18n import Translator, translator_for
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow import Workflow
from teams_app.workflow.views import Actor, Outcome

logger = logging.getLogger(__name__)

# How many moderation cards one "moderation" command posts at most.
MODERATION_CARD_LIMIT = 10


class UnknownAction(DomainError):
    code = "unknown_action"
    message_id = N_(
        "This button is not supported: «{verb}». Nothing was changed; "
        "type «menu» to see what you can do."
    )


# ------------------------------------------------------------------ records


@dataclass(frozen=True)
class ActionContext:
    """The acting user, their language, and the conversation and clicked message of an action."""

    workflow: Workflow
    actor: Actor
    translate: Translator
    locale: str
    conversation_id: str
    activity_id: str
    # The id of the message whose card was clicked, or None for a typed command.
    reply_to_id: str | None = None

    @property
    def dedupe_key(self) -> str:
        """Key under which the workflow records this activity, so a retry changes nothing."""
        return f"{self.conversation_id}:{self.activity_id}"


@dataclass(frozen=True)
class CardRef:
    """The kind and ids of a sent card, recorded so that later changes update it in place."""

    kind: CardKind
    case_id: int | None = None
    entry_id: int | None = None
    assignment_id: int | None = None
    round_id: int | None = None


@dataclass(frozen=True)
class Post:
    """A new message for the chat: a text or a card, recorded when ``record`` is set."""

    text: str | None = None
    card: Card | None = None
    record: CardRef | None = None


@dataclass(frozen=True)
class ActionResult:
    """The outcome of an action and what to show the user, as the handler sends it.

    ``replacement`` replaces the clicked card (an invoke) or is sent as a new
    card (a typed command). ``notice`` is a short text. With none of them,
    the invoke response is the clicked card, re-rendered.
    """

    outcome: Outcome | None = None
    replacement: Card | None = None
    # False when the replacement is only for the user's current view, such
    # as a form shown again with errors.
    replace_in_place: bool = True
    notice: str | None = None
    posts: tuple[Post, ...] = ()
    # Record the clicked card as this case card, e.g. a submitted intake form.
    record_clicked_as: CardRef | None = None
    # Update the clicked card in place: it may show an older state.
    refresh_clicked: bool = False


S = TypeVar("S")
FormRenderer = Callable[["ActionContext", Mapping[str, Any], Sequence[FieldError]], Awaitable[Card]]


@dataclass(frozen=True)
class Route(Generic[S]):
    parse: Callable[[Mapping[str, Any]], S]
    run: Callable[[ActionContext, S], Awaitable[ActionResult]]
    # Re-renders the submitted form with the typed values and its field errors.
    form: FormRenderer | None = None


# ----------------------------------------------------------- text commands


class Command(NamedTuple):
    verb: Verb
    data: Mapping[str, Any] = MappingProxyType({})


COMMANDS: dict[str, Command] = {
    "help": Command(Verb.SHOW_WELCOME),
    "menu": Command(Verb.SHOW_WELCOME),
    "start": Command(Verb.SHOW_WELCOME),
    "помощь": Command(Verb.SHOW_WELCOME),
    "меню": Command(Verb.SHOW_WELCOME),
    "начать": Command(Verb.SHOW_WELCOME),
    "new case": Command(Verb.NEW_CASE),
    "новый кейс": Command(Verb.NEW_CASE),
    "my cases": Command(Verb.MY_CASES),
    "мои кейсы": Command(Verb.MY_CASES),
    "my requests": Command(Verb.MY_REQUESTS),
    "мои запросы": Command(Verb.MY_REQUESTS),
    "availability": Command(Verb.AVAILABILITY),
    "доступность": Command(Verb.AVAILABILITY),
    "moderation": Command(Verb.MODERATION_QUEUE),
    "модерация": Command(Verb.MODERATION_QUEUE),
    "русский": Command(Verb.SET_LANGUAGE, {LANGUAGE_KEY: "ru"}),
    "russian": Command(Verb.SET_LANGUAGE, {LANGUAGE_KEY: "ru"}),
    "english": Command(Verb.SET_LANGUAGE, {LANGUAGE_KEY: "en"}),
    "английский": Command(Verb.SET_LANGUAGE, {LANGUAGE_KEY: "en"}),
}


def command_for(text: str | None) -> Command | None:
    """Match a typed text to a command: the whole text, case and outer spaces ignored."""
    normalised = " ".join((text or "").split()).lower()
    return COMMANDS.get(normalised)


# ------------------------------------------------------------ navigation


async def show_welcome(context: ActionContext, _: NoInput) -> ActionResult:
    card = build_welcome_card(context.translate, context.actor.roles)
    return ActionResult(posts=(Post(card=card),))


async def new_case(context: ActionContext, _: NoInput) -> ActionResult:
    _require(context.actor, Role.TEACHER)
    rubrics = await context.workflow.rubrics(context.locale)
    return ActionResult(posts=(Post(card=build_intake_card(context.translate, rubrics)),))


async def my_cases(context: ActionContext, _: NoInput) -> ActionResult:
    cases = await context.workflow.my_cases(context.actor)
    return ActionResult(posts=(Post(card=build_my_cases_card(context.translate, cases)),))


async def my_requests(context: ActionContext, _: NoInput) -> ActionResult:
    requests = await context.workflow.mentor_requests(context.actor)
    return ActionResult(posts=(Post(card=build_my_requests_card(context.translate, requests)),))


async def show_availability(context: ActionContext, _: NoInput) -> ActionResult:
    return ActionResult(
        posts=(Post(card=await render_availability(context.workflow, context.actor)),)
    )


async def save_availability(context: ActionContext, form: AvailabilityInput) -> ActionResult:
    await context.workflow.set_availability(
        context.actor, away_until=form.away_until, max_open_cases=form.max_open_cases
    )
    return ActionResult(notice=context.translate("Your availability is saved."))


async def availability_form(
    context: ActionContext, data: Mapping[str, Any], errors: Sequence[FieldError]
) -> Card:
    return await render_availability(context.workflow, context.actor, values=data, errors=errors)


async def moderation_queue(context: ActionContext, _: NoInput) -> ActionResult:
    """Post the queue summary, then an actionable card for each of the first waiting items."""
    translate = context.translate
    drafts, unassigned = await context.workflow.awaiting_moderation(context.actor)
    posts = [Post(card=build_moderation_queue_card(translate, drafts, unassigned))]
    refs = [CardRef(CardKind.MODERATION, entry_id=entry_id) for entry_id in drafts]
    refs += [CardRef(CardKind.MODERATOR_ASSIGN, case_id=case_id) for case_id, _ in unassigned]
    for ref in refs[:MODERATION_CARD_LIMIT]:
        card = await render_card(
            context.workflow,
            context.actor,
            ref.kind,
            case_id=ref.case_id,
            assignment_id=None,
            round_id=None,
            entry_id=ref.entry_id,
            latest=True,
        )
        posts.append(Post(card=card, record=ref))
    if len(refs) > MODERATION_CARD_LIMIT:
        posts.append(
            Post(
                text=translate(
                    "Cards for the first {shown} items are shown. "
                    "Handle them, then type «moderation» again.",
                    shown=MODERATION_CARD_LIMIT,
                )
            )
        )
    return ActionResult(posts=tuple(posts))


# Confirmations of a language choice, each shown in the chosen language.
LANGUAGE_CHOSEN = {
    "ru": N_("The bot now writes in Russian. Type «english» to switch to English."),
    "en": N_("The bot now writes in English. Type «русский» to switch to Russian."),
}
FOLLOWING_TEAMS = N_("The bot now writes in the language of your Teams.")


async def set_language(context: ActionContext, choice: LanguageChoice) -> ActionResult:
    """Store the chosen language and show the menu in it.

    A click on a language button of the welcome card turns that card into
    the menu in the chosen language. A typed command gets a confirmation
    and a new menu card.
    """
    actor = await context.workflow.set_language(context.actor, choice.language)
    translate = translator_for(actor.locale)
    card = build_welcome_card(translate, actor.roles)
    if context.reply_to_id:
        return ActionResult(replacement=card)
    message_id = LANGUAGE_CHOSEN[choice.language] if choice.language else FOLLOWING_TEAMS
    return ActionResult(posts=(Post(text=translate(message_id)),), replacement=card)


async def refresh(context: ActionContext, _: NoInput) -> ActionResult:
    return ActionResult()


# ---------------------------------------------------------------- teacher


async def submit_case(context: ActionContext, form: CaseFormInput) -> ActionResult:
    outcome = await context.workflow.submit_case(
        context.actor, form.values, dedupe_key=context.dedupe_key
    )
    return ActionResult(
        outcome=outcome, record_clicked_as=CardRef(CardKind.INTAKE, case_id=outcome.case_id)
    )


async def intake_form(
    context: ActionContext, data: Mapping[str, Any], errors: Sequence[FieldError]
) -> Card:
    form = parse_case_form(data)
    if form.case_id is not None:
        return await render_redefine_form(
            context.workflow, context.actor, form.case_id, values=form.values, errors=errors
        )
    rubrics = await context.workflow.rubrics(context.locale)
    return build_intake_card(context.translate, rubrics, values=form.values, errors=errors)


async def open_redefine(context: ActionContext, choice: CaseChoice) -> ActionResult:
    await context.workflow.check_can_redefine(context.actor, choice.case_id)
    card = await render_redefine_form(context.workflow, context.actor, choice.case_id)
    return ActionResult(replacement=card)


async def submit_redefine(context: ActionContext, form: CaseFormInput) -> ActionResult:
    if form.case_id is None:
        raise ValidationFailed([FieldError("case", "required")])
    outcome = await context.workflow.redefine_case(
        context.actor, form.case_id, form.values, dedupe_key=context.dedupe_key
    )
    return ActionResult(outcome=outcome)


async def close_by_library(context: ActionContext, choice: CaseChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.close_by_library(
            context.actor, choice.case_id, dedupe_key=context.dedupe_key
        )
    )


async def find_mentor(context: ActionContext, choice: CaseChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.find_mentor(
            context.actor, choice.case_id, dedupe_key=context.dedupe_key
        )
    )


async def pick_mentor(context: ActionContext, choice: MentorChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.pick_mentor(
            context.actor, choice.case_id, choice.mentor_id, dedupe_key=context.dedupe_key
        )
    )


async def withdraw(context: ActionContext, choice: CaseChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.withdraw(
            context.actor, choice.case_id, dedupe_key=context.dedupe_key
        )
    )


async def answer_questions(context: ActionContext, form: AnswersInput) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.answer_questions(
            context.actor, form.round_id, form.answers, dedupe_key=context.dedupe_key
        )
    )


async def keep_version(context: ActionContext, choice: CaseChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.keep_version(
            context.actor, choice.case_id, dedupe_key=context.dedupe_key
        )
    )


async def complete(context: ActionContext, form: ReflectionInput) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.complete(
            context.actor, form.case_id, form.values, dedupe_key=context.dedupe_key
        )
    )


async def second_opinion(context: ActionContext, choice: CaseChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.request_second_opinion(
            context.actor, choice.case_id, dedupe_key=context.dedupe_key
        )
    )


# ----------------------------------------------------------------- mentor


async def accept(context: ActionContext, choice: OfferChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.accept(
            context.actor, choice.assignment_id, dedupe_key=context.dedupe_key
        )
    )


async def decline(context: ActionContext, form: OfferDecline) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.decline(
            context.actor, form.assignment_id, form.reason, dedupe_key=context.dedupe_key
        )
    )


async def ask_questions(context: ActionContext, form: QuestionsInput) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.ask_questions(
            context.actor,
            form.case_id,
            form.suggested_keys,
            form.custom_questions,
            dedupe_key=context.dedupe_key,
        )
    )


async def write_solution(context: ActionContext, form: SolutionInput) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.write_solution(
            context.actor,
            form.case_id,
            form.text,
            form.material_ids,
            dedupe_key=context.dedupe_key,
        )
    )


# -------------------------------------------------------------- moderator


async def moderator_assign(context: ActionContext, choice: MentorChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.moderator_assign(
            context.actor, choice.case_id, choice.mentor_id, dedupe_key=context.dedupe_key
        )
    )


async def approve_entry(context: ActionContext, form: EntryEdits) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.approve_publication(
            context.actor, form.entry_id, form.edits, dedupe_key=context.dedupe_key
        )
    )


async def reject_entry(context: ActionContext, choice: EntryChoice) -> ActionResult:
    return ActionResult(
        outcome=await context.workflow.reject_publication(
            context.actor, choice.entry_id, dedupe_key=context.dedupe_key
        )
    )


# ------------------------------------------------------------------ table

ROUTES: dict[Verb, Route[Any]] = {
    Verb.SHOW_WELCOME: Route(parse_nothing, show_welcome),
    Verb.NEW_CASE: Route(parse_nothing, new_case),
    Verb.SUBMIT_CASE: Route(parse_case_form, submit_case, form=intake_form),
    Verb.MY_CASES: Route(parse_nothing, my_cases),
    Verb.CLOSE_BY_LIBRARY: Route(parse_case, close_by_library),
    Verb.FIND_MENTOR: Route(parse_case, find_mentor),
    Verb.PICK_MENTOR: Route(parse_mentor_pick, pick_mentor),
    Verb.WITHDRAW: Route(parse_case, withdraw),
    Verb.ACCEPT: Route(parse_offer, accept),
    Verb.DECLINE: Route(parse_decline, decline),
    Verb.MY_REQUESTS: Route(parse_nothing, my_requests),
    Verb.AVAILABILITY: Route(parse_nothing, show_availability),
    Verb.SAVE_AVAILABILITY: Route(parse_availability, save_availability, form=availability_form),
    Verb.ASK_QUESTIONS: Route(parse_questions, ask_questions),
    Verb.WRITE_SOLUTION: Route(parse_solution, write_solution),
    Verb.ANSWER_QUESTIONS: Route(parse_answers, answer_questions),
    Verb.KEEP_VERSION: Route(parse_case, keep_version),
    Verb.OPEN_REDEFINE: Route(parse_case, open_redefine),
    Verb.SUBMIT_REDEFINE: Route(parse_case_form, submit_redefine, form=intake_form),
    Verb.COMPLETE: Route(parse_reflection, complete),
    Verb.SECOND_OPINION: Route(parse_case, second_opinion),
    Verb.MODERATOR_ASSIGN: Route(parse_moderator_assign, moderator_assign),
    Verb.MODERATION_QUEUE: Route(parse_nothing, moderation_queue),
    Verb.APPROVE_ENTRY: Route(parse_entry_edits, approve_entry),
    Verb.REJECT_ENTRY: Route(parse_entry, reject_entry),
    Verb.REFRESH: Route(parse_nothing, refresh),
    Verb.SET_LANGUAGE: Route(parse_language, set_language),
}


def route_for(verb: str) -> Route[Any]:
    try:
        return ROUTES[Verb(verb)]
    except (ValueError, KeyError):
        raise UnknownAction(verb=verb) from None


# ------------------------------------------------------------------ running


async def run_action(context: ActionContext, verb: str, data: Mapping[str, Any]) -> ActionResult:
    """Parse and run one action. This is the one place where errors become responses."""
    route: Route[Any] | None = None
    try:
        route = route_for(verb)
        submission = route.parse(data)
        return await route.run(context, submission)
    except Exception as error:
        try:
            return await answer_error(error, context, route, data)
        except Exception:
            logger.exception(
                "action failed verb=%s user=%s activity=%s",
                verb,
                context.actor.user_id,
                context.dedupe_key,
            )
            return ActionResult(notice=context.translate(GENERIC_FAILURE))


def describe_stale_action(error: StaleAction, translate: Translator) -> str:
    """Render a stale-card message with the case's or entry's status in words."""
    status = str(error.fields.get("status", ""))
    if status in {member.value for member in CaseStatus}:
        status = status_label(CaseStatus(status), translate)
    elif status in {member.value for member in LibraryEntryStatus}:
        status = translate(ENTRY_STATUS_LABELS[LibraryEntryStatus(status)])
    return translate(error.message_id, **{**error.fields, "status": status})


async def answer_error(
    error: Exception,
    context: ActionContext,
    route: Route[Any] | None,
    data: Mapping[str, Any],
) -> ActionResult:
    """Turn an expected error into a response and raise any other error again."""
    translate = context.translate
    if isinstance(error, ValidationFailed):
        return await answer_invalid_form(error, context, route, data)
    if isinstance(error, StaleAction):
        return ActionResult(notice=describe_stale_action(error, translate), refresh_clicked=True)
    if isinstance(error, AlreadyProcessed):
        return ActionResult(notice=error.render(translate), refresh_clicked=True)
    if isinstance(error, DomainError):
        logger.info(
            "action rejected code=%s user=%s activity=%s",
            error.code,
            context.actor.user_id,
            context.dedupe_key,
        )
        return ActionResult(notice=error.render(translate))
    raise error


async def answer_invalid_form(
    error: ValidationFailed,
    context: ActionContext,
    route: Route[Any] | None,
    data: Mapping[str, Any],
) -> ActionResult:
    """Show the submitted form again with what was typed and a red line per invalid input."""
    if route is not None and route.form is not None:
        card = await route.form(context, data, error.errors)
        return ActionResult(replacement=card, replace_in_place=False)
    record = None
    if context.reply_to_id:
        record = await context.workflow.find_card(context.conversation_id, context.reply_to_id)
    if record is None:
        return ActionResult(notice=describe_errors(error.errors, context.translate))
    card = await render_card(
        context.workflow,
        context.actor,
        record.kind,
        case_id=record.case_id,
        assignment_id=record.assignment_id,
        round_id=record.round_id,
        entry_id=record.entry_id,
        latest=record.latest,
        values=data,
        errors=error.errors,
    )
    return ActionResult(replacement=card, replace_in_place=False)


# The message shown for an unexpected error, whose details go to the log only.
GENERIC_FAILURE = N_(
    "Something went wrong on our side, and the action may not have been saved. "
    "Please try again in a minute."
)

# Captions of inputs outside the intake form, for error messages.
INPUT_LABELS: dict[str, str] = {
    "decline_reason": N_("Reason for declining"),
    "mentor": N_("Mentor"),
    "questions": N_("Questions"),
    "custom_question": N_("Your own questions"),
    "solution": N_("Possible solution"),
    "materials": N_("Materials"),
    "will_do": N_("What you will do"),
    "what_changed": N_("What changed for you"),
    "usefulness": N_("Usefulness"),
    "comment": N_("Comment"),
    "title": N_("Title"),
    "away_until": N_("Away until"),
    "max_open_cases": N_("Open cases at most"),
    "case": N_("Case"),
}


def describe_errors(errors: Sequence[FieldError], translate: Translator) -> str:
    """List the field errors of a form that is not re-rendered, one per line."""
    lines = [translate("The form was not saved:")]
    for error in errors:
        lines.append(describe_input_error(error, _label_of(error.field), translate))
    return "\n\n".join(lines)


def _label_of(field: str) -> str:
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    if field.startswith("answer_"):
        return N_("Answer")
    if field.startswith("solution_"):
        return N_("Solution text")
    return INPUT_LABELS.get(field, field)


def _require(actor: Actor, role: Role) -> None:
    if not actor.has(role):
        raise NotPermitted(role=role.value)
