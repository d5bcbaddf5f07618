"""Cards of the work on a case: the mentor's case, questions, the redefine choice, the solution."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.cards.common import (
    ASSIGNMENT_KEY,
    CASE_KEY,
    COMMENT_INPUT,
    CUSTOM_QUESTIONS_INPUT,
    MATERIALS_INPUT,
    ROUND_KEY,
    SOLUTION_INPUT,
    SUGGESTED_INPUT,
    TEXT_LIMIT_STEPS,
    USEFULNESS_INPUT,
    WHAT_CHANGED_INPUT,
    WILL_DO_INPUT,
    Card,
    Element,
    TextLimits,
    adaptive_card,
    answer_input_id,
    choice_set,
    clip,
    container,
    errors_summary,
    errors_under,
    execute,
    fit_card,
    heading,
    labelled_text,
    note,
    open_url,
    shortened_note,
    show_card,
    stale_note,
    status_line,
    subheading,
    submitted_text,
    text_block,
    text_input,
)
from bot.cards.intake import case_facts, revision_texts
from bot.cards.labels import field_label
from bot.cards.mentors import teacher_name_for_mentor
from bot.verbs import Verb
from teams_app.domain.enums import Privacy
from teams_app.domain.errors import FieldError
from teams_app.i18n import Translator
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.limits import (
    ANSWER_LIMIT,
    MAX_QUESTIONS_PER_ROUND,
    REFLECTION_TEXT_LIMIT,
    SOLUTION_LIMIT,
)
from teams_app.workflow.views import (
    AssignmentView,
    CaseView,
    LibraryHitView,
    QuestionRoundView,
    RubricView,
    SolutionView,
    SuggestedQuestionView,
)

# Maximum length of a material title in the choice list.
MATERIAL_TITLE_LIMIT = 100

_QUESTIONS_LABEL = N_("Suggested questions, those that fit this case first")
_CUSTOM_QUESTIONS_LABEL = N_("Your own questions, one per line")
_MATERIALS_LABEL = N_("Library materials to attach")
_WILL_DO_LABEL = N_("What will you do now?")
_WHAT_CHANGED_LABEL = N_("What has changed for you?")
_USEFULNESS_LABEL = N_("How useful was the help?")
_COMMENT_LABEL = N_("Comment (optional)")

_USEFULNESS_CHOICES = (
    ("1", N_("1 — not useful at all")),
    ("2", N_("2 — of little use")),
    ("3", N_("3 — somewhat useful")),
    ("4", N_("4 — useful")),
    ("5", N_("5 — very useful")),
)

_HIDDEN_NOTE = N_("Hidden so that the card fits in Teams.")

_DECISIONS = {
    "keep": N_("The teacher kept this version of the case."),
    "redefine": N_("The teacher redefined the case."),
}


# --------------------------------------------------------------- mentor case


def build_mentor_case_card(
    view: CaseView,
    assignment: AssignmentView | None,
    translate: Translator,
    rubrics: Sequence[RubricView],
    *,
    suggested: Sequence[SuggestedQuestionView] = (),
    materials: Sequence[LibraryHitView] = (),
    can_ask: bool = False,
    can_solve: bool = False,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Show the mentor the case they hold, with forms to ask questions and write a solution.

    In an anonymous case the card shows "Anonymous teacher" and nothing else
    about the teacher. In a personal case it offers a chat with the teacher.
    """
    opinion = assignment.opinion if assignment is not None else view.opinion
    data = {CASE_KEY: view.id, ASSIGNMENT_KEY: assignment.id if assignment else None}

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number}", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if opinion > 1:
            body.append(text_block(translate("You give a second opinion on this case.")))
        body.append(
            case_facts(
                view,
                translate,
                rubrics,
                teacher_name=teacher_name_for_mentor(view),
                show_teacher=True,
            )
        )
        body += _revision_header(view, translate)
        body += revision_texts(view.current, translate, limits.main)
        body += _question_rounds(view.question_rounds, translate, limits)
        own_solutions = [s for s in view.solutions if s.opinion == opinion]
        if own_solutions:
            body.append(subheading(translate("Your possible solutions")))
            body += _solutions(own_solutions, translate, limits, show_mentor=False)
        body += shortened_note(limits, translate)
        if not latest:
            body.append(stale_note(translate))
        body += errors_summary(errors, translate)

        actions: list[Element] = []
        if can_ask:
            actions.append(_ask_form(suggested, data, translate, values, errors))
        if can_solve:
            actions.append(_solution_form(materials, data, translate, values, errors))
        chat_link = _chat_link(view)
        if latest and chat_link:
            actions.append(open_url(translate("Open a chat with the teacher"), chat_link))
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


def _chat_link(view: CaseView) -> str | None:
    if view.privacy is not Privacy.PERSONAL or view.teacher is None:
        return None
    return view.teacher.chat_link


def _revision_header(view: CaseView, translate: Translator) -> list[Element]:
    current = view.current
    body = [
        text_block(
            translate(
                "Revision {number} of {limit}", number=current.number, limit=view.revision_limit
            ),
            weight="Bolder",
            spacing="Medium",
            separator=True,
        )
    ]
    if current.changed_fields:
        changed = ", ".join(field_label(name, translate) for name in current.changed_fields)
        body.append(
            text_block(
                translate(
                    "Changed since revision {number}: {fields}",
                    number=current.number - 1,
                    fields=changed,
                ),
                color="Accent",
                spacing="Small",
            )
        )
    return body


def _question_rounds(
    rounds: Sequence[QuestionRoundView], translate: Translator, limits: TextLimits
) -> list[Element]:
    if not rounds:
        return []
    body: list[Element] = [subheading(translate("Questions and answers"))]
    for index, question_round in enumerate(rounds, start=1):
        limit = limits.recent if index == len(rounds) else limits.older
        items: list[Element] = [
            text_block(
                translate(
                    "Round {index}, on revision {revision}",
                    index=index,
                    revision=question_round.revision,
                ),
                weight="Bolder",
            )
        ]
        if limit == 0:
            items.append(note(translate(_HIDDEN_NOTE)))
        else:
            for number, question in enumerate(question_round.questions, start=1):
                items.append(text_block(f"{number}. {clip(question.text, limit)}", spacing="Small"))
                answer = question.answer or translate("No answer yet.")
                items.append(text_block(clip(answer, limit), subtle=True, spacing="None"))
        if question_round.decision in _DECISIONS:
            items.append(note(translate(_DECISIONS[question_round.decision])))
        elif question_round.answered_at is not None:
            items.append(note(translate("The teacher is deciding whether to redefine the case.")))
        body.append(container(items, separator=index > 1))
    return body


def _ask_form(
    suggested: Sequence[SuggestedQuestionView],
    data: Mapping[str, Any],
    translate: Translator,
    values: Mapping[str, Any] | None,
    errors: Sequence[FieldError],
) -> Element:
    typed_keys = submitted_text(values, SUGGESTED_INPUT)
    form: list[Element] = [
        note(
            translate(
                "Pick questions and add your own: at most {limit} in all.",
                limit=MAX_QUESTIONS_PER_ROUND,
            )
        ),
        choice_set(
            SUGGESTED_INPUT,
            translate(_QUESTIONS_LABEL),
            [(question.key, question.text) for question in suggested],
            value=typed_keys,
            multi_select=True,
            expanded=True,
        ),
        # The workflow names its errors "questions" (the whole set) and
        # "custom_question" (one question that is too long).
        *errors_under(["questions"], errors, translate(_QUESTIONS_LABEL), translate),
        text_input(
            CUSTOM_QUESTIONS_INPUT,
            translate(_CUSTOM_QUESTIONS_LABEL),
            value=submitted_text(values, CUSTOM_QUESTIONS_INPUT),
            multiline=True,
        ),
        *errors_under(
            ["custom_question"], errors, field_label("custom_question", translate), translate
        ),
    ]
    return show_card(
        translate("Ask questions"),
        form,
        [execute(translate("Send the questions"), Verb.ASK_QUESTIONS, data)],
    )


def _solution_form(
    materials: Sequence[LibraryHitView],
    data: Mapping[str, Any],
    translate: Translator,
    values: Mapping[str, Any] | None,
    errors: Sequence[FieldError],
) -> Element:
    form: list[Element] = [
        text_input(
            SOLUTION_INPUT,
            field_label(SOLUTION_INPUT, translate),
            value=submitted_text(values, SOLUTION_INPUT),
            multiline=True,
            max_length=SOLUTION_LIMIT,
            required=True,
            error_message=translate("Please fill in this field."),
        ),
        *errors_under([SOLUTION_INPUT], errors, field_label(SOLUTION_INPUT, translate), translate),
    ]
    if materials:
        form.append(
            choice_set(
                MATERIALS_INPUT,
                translate(_MATERIALS_LABEL),
                [
                    (str(material.entry_id), clip(material.title, MATERIAL_TITLE_LIMIT))
                    for material in materials
                ],
                value=submitted_text(values, MATERIALS_INPUT),
                multi_select=True,
            )
        )
        form += errors_under([MATERIALS_INPUT], errors, translate(_MATERIALS_LABEL), translate)
    return show_card(
        translate("Write a possible solution"),
        form,
        [execute(translate("Send the solution"), Verb.WRITE_SOLUTION, data)],
    )


def _solutions(
    solutions: Sequence[SolutionView],
    translate: Translator,
    limits: TextLimits,
    *,
    show_mentor: bool,
) -> list[Element]:
    body: list[Element] = []
    for index, solution in enumerate(solutions, start=1):
        limit = limits.recent if index == len(solutions) else limits.older
        items: list[Element] = []
        if show_mentor:
            items.append(text_block(solution.mentor_name, weight="Bolder"))
            if solution.opinion > 1:
                items.append(note(translate("Second opinion")))
        else:
            items.append(
                text_block(translate("Possible solution {number}", number=index), weight="Bolder")
            )
        if limit == 0:
            items.append(note(translate(_HIDDEN_NOTE)))
            body.append(container(items, separator=index > 1))
            continue
        items.append(text_block(clip(solution.text, limit), spacing="Small"))
        if solution.materials:
            lines = [
                f"- [{_link_text(m.title)}]({m.url})" if m.url else f"- {m.title}"
                for m in solution.materials
            ]
            items.append(text_block(translate("Materials:"), weight="Bolder", spacing="Small"))
            items.append(text_block("\n".join(lines), spacing="None"))
        body.append(container(items, separator=index > 1))
    return body


def _link_text(title: str) -> str:
    """Escape square brackets so a title cannot break the Markdown link around it."""
    return title.replace("[", "\\[").replace("]", "\\]")


# ----------------------------------------------------------------- questions


def build_questions_card(
    view: CaseView,
    question_round: QuestionRoundView,
    translate: Translator,
    *,
    actionable: bool,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Ask the teacher the mentor's questions of one round, an answer input under each."""

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number}: questions from your mentor", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if actionable:
            body.append(
                text_block(
                    translate(
                        "Your mentor asks these questions to understand the situation better. "
                        "Please answer each of them."
                    )
                )
            )
            body += errors_summary(errors, translate)
        for number, question in enumerate(question_round.questions, start=1):
            label = f"{number}. {question.text}"
            if actionable:
                input_id = answer_input_id(question.id)
                body.append(
                    text_input(
                        input_id,
                        label,
                        value=submitted_text(values, input_id),
                        multiline=True,
                        max_length=ANSWER_LIMIT,
                        required=True,
                        error_message=translate("Please fill in this field."),
                    )
                )
                answer_label = translate("Answer {number}", number=number)
                body += errors_under([input_id], errors, answer_label, translate)
            else:
                answer = question.answer or translate("No answer yet.")
                body += labelled_text(clip(label, limits.main), clip(answer, limits.recent))
        body += shortened_note(limits, translate)
        if not latest:
            body.append(stale_note(translate))
        actions = []
        if actionable:
            actions.append(
                execute(
                    translate("Send the answers"),
                    Verb.ANSWER_QUESTIONS,
                    {CASE_KEY: view.id, ROUND_KEY: question_round.id},
                )
            )
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


# ----------------------------------------------------------- redefine choice


def build_redefine_choice_card(
    view: CaseView,
    question_round: QuestionRoundView | None,
    translate: Translator,
    *,
    actionable: bool,
    can_redefine: bool,
    latest: bool = True,
) -> Card:
    """Ask the teacher, after answering, whether to keep the case as it is or redefine it.

    Once the teacher redefined the case, the card shows the revision they submitted.
    """
    decision = question_round.decision if question_round is not None else None
    submitted = None
    if decision == "redefine" and question_round is not None:
        # Revision numbers start at 1, so the revision that followed this
        # round's revision sits at index ``question_round.revision``.
        if question_round.revision < len(view.revisions):
            submitted = view.revisions[question_round.revision]

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number}: thank you for your answers", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if actionable:
            body.append(
                text_block(
                    translate(
                        "Would you like to reformulate your case now that you have thought it "
                        "through? Your mentor will see your choice."
                    )
                )
            )
            if not can_redefine:
                body.append(
                    note(
                        translate(
                            "This is revision {number} of {limit}, so the case cannot be "
                            "redefined again.",
                            number=view.current.number,
                            limit=view.revision_limit,
                        )
                    )
                )
        elif decision == "keep":
            body.append(text_block(translate("You kept the current version of the case.")))
        elif decision == "redefine":
            body.append(text_block(translate("You redefined the case.")))
            if submitted is not None:
                body.append(
                    text_block(
                        translate(
                            "Revision {number} of {limit}",
                            number=submitted.number,
                            limit=view.revision_limit,
                        ),
                        weight="Bolder",
                    )
                )
                body += revision_texts(submitted, translate, limits.main)
        body += shortened_note(limits, translate)
        if not latest:
            body.append(stale_note(translate))

        actions: list[Element] = []
        if actionable:
            data = {CASE_KEY: view.id, ROUND_KEY: question_round.id if question_round else None}
            actions.append(
                execute(translate("No, keep the current version"), Verb.KEEP_VERSION, data)
            )
            if can_redefine:
                actions.append(execute(translate("Yes, redefine"), Verb.OPEN_REDEFINE, data))
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


# ------------------------------------------------------------------ solution


def build_solution_card(
    view: CaseView,
    translate: Translator,
    *,
    can_complete: bool,
    can_second_opinion: bool,
    latest: bool = True,
    values: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
) -> Card:
    """Show the teacher every solution so far, the reflection sheet and a second opinion."""

    def build(limits: TextLimits) -> Card:
        body: list[Element] = [
            heading(translate("Case {number}: a possible solution", number=view.number)),
            status_line(translate, view.number, view.status),
        ]
        if can_complete:
            body.append(
                text_block(
                    translate(
                        "Your mentor offers a possible solution. There is rarely a single "
                        "right answer: take what fits your situation."
                    )
                )
            )
        body += _solutions(view.solutions, translate, limits, show_mentor=True)
        if view.reflection is not None:
            body.append(subheading(translate("Your reflection")))
            body += labelled_text(
                translate(_USEFULNESS_LABEL),
                translate("{rating} of 5", rating=view.reflection.usefulness),
            )
            body += labelled_text(
                translate(_WILL_DO_LABEL), clip(view.reflection.will_do, limits.older)
            )
            body += labelled_text(
                translate(_WHAT_CHANGED_LABEL), clip(view.reflection.what_changed, limits.older)
            )
        body += shortened_note(limits, translate)
        if not latest:
            body.append(stale_note(translate))
        if can_complete:
            body += errors_summary(errors, translate)
            body += _reflection_form(translate, values, errors)

        actions: list[Element] = []
        if can_complete:
            actions.append(
                execute(translate("Complete the case"), Verb.COMPLETE, {CASE_KEY: view.id})
            )
        if can_second_opinion:
            actions.append(
                show_card(
                    translate("Ask a second opinion"),
                    [
                        text_block(
                            translate(
                                "A second opinion can be asked only once. Another mentor is "
                                "chosen the same way and offers their own solution."
                            )
                        )
                    ],
                    [
                        execute(
                            translate("Ask a second opinion"),
                            Verb.SECOND_OPINION,
                            {CASE_KEY: view.id},
                            submit_inputs=False,
                        )
                    ],
                )
            )
        return adaptive_card(body, actions)

    return fit_card(build, TEXT_LIMIT_STEPS)


def _reflection_form(
    translate: Translator, values: Mapping[str, Any] | None, errors: Sequence[FieldError]
) -> list[Element]:
    required = translate("Please fill in this field.")
    return [
        subheading(translate("Reflection sheet")),
        note(translate("Fill it in to complete the case.")),
        text_input(
            WILL_DO_INPUT,
            translate(_WILL_DO_LABEL),
            value=submitted_text(values, WILL_DO_INPUT),
            multiline=True,
            max_length=REFLECTION_TEXT_LIMIT,
            required=True,
            error_message=required,
        ),
        *errors_under([WILL_DO_INPUT], errors, translate(_WILL_DO_LABEL), translate),
        text_input(
            WHAT_CHANGED_INPUT,
            translate(_WHAT_CHANGED_LABEL),
            value=submitted_text(values, WHAT_CHANGED_INPUT),
            multiline=True,
            max_length=REFLECTION_TEXT_LIMIT,
            required=True,
            error_message=required,
        ),
        *errors_under([WHAT_CHANGED_INPUT], errors, translate(_WHAT_CHANGED_LABEL), translate),
        choice_set(
            USEFULNESS_INPUT,
            translate(_USEFULNESS_LABEL),
            [(value, translate(label)) for value, label in _USEFULNESS_CHOICES],
            value=submitted_text(values, USEFULNESS_INPUT),
            expanded=True,
            required=True,
            error_message=translate("Please choose one option."),
        ),
        *errors_under([USEFULNESS_INPUT], errors, translate(_USEFULNESS_LABEL), translate),
        text_input(
            COMMENT_INPUT,
            translate(_COMMENT_LABEL),
            value=submitted_text(values, COMMENT_INPUT),
            multiline=True,
            max_length=REFLECTION_TEXT_LIMIT,
        ),
        *errors_under([COMMENT_INPUT], errors, translate(_COMMENT_LABEL), translate),
    ]
