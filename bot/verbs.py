"""Card action verbs, shared by the card builders and the dispatcher.

Every button is an ``Action.Execute`` whose ``verb`` is one of these values and
whose ``data`` carries the ids the action applies to (``case``, ``assignment``,
``round``, ``entry``, ``mentor``) next to the card's input values.
"""

from __future__ import annotations

import enum


class Verb(enum.StrEnum):
    SHOW_WELCOME = "welcome"
    NEW_CASE = "case.new"
    SUBMIT_CASE = "case.submit"
    MY_CASES = "case.list"
    CLOSE_BY_LIBRARY = "case.close_by_library"
    FIND_MENTOR = "case.find_mentor"
    PICK_MENTOR = "case.pick_mentor"
    WITHDRAW = "case.withdraw"
    ACCEPT = "offer.accept"
    DECLINE = "offer.decline"
    MY_REQUESTS = "mentor.requests"
    AVAILABILITY = "mentor.availability"
    SAVE_AVAILABILITY = "mentor.availability.save"
    ASK_QUESTIONS = "mentor.ask"
    WRITE_SOLUTION = "mentor.solution"
    ANSWER_QUESTIONS = "teacher.answer"
    KEEP_VERSION = "teacher.keep"
    OPEN_REDEFINE = "teacher.redefine.open"
    SUBMIT_REDEFINE = "teacher.redefine.submit"
    COMPLETE = "teacher.complete"
    SECOND_OPINION = "teacher.second_opinion"
    MODERATOR_ASSIGN = "moderator.assign"
    MODERATION_QUEUE = "moderator.queue"
    APPROVE_ENTRY = "moderator.approve"
    REJECT_ENTRY = "moderator.reject"
    REFRESH = "card.refresh"
    # data.language is "ru" or "en", or empty to follow the Teams client's locale.
    SET_LANGUAGE = "user.language"
