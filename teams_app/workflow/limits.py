"""Limits of the texts and choices users send to the workflow, in NFC characters or items."""

REVISION_LIMIT = 3
CUSTOM_QUESTION_LIMIT = 500
ANSWER_LIMIT = 1000
SOLUTION_LIMIT = 4000
REFLECTION_TEXT_LIMIT = 1000
DECLINE_REASON_LIMIT = 500
MAX_QUESTIONS_PER_ROUND = 10
# Texts of a library draft that a moderator may edit.
ENTRY_TEXT_LIMITS = {
    "title": 200,
    "essence": 1000,
    "actions_taken": 1000,
    "why_difficult": 1000,
    "question": 500,
}
