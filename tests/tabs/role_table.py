"""Who may call each API endpoint: the table the role test checks every endpoint against.

Every endpoint of ``/api/v1`` needs a row here, written by hand from what the
product allows, so a wrong ``access`` in the code fails the test. ``OK`` means
the role passes the access check (the endpoint may still answer 404 or 422
for the example path and empty body); a number is the exact status expected.
"""

from __future__ import annotations

from dataclasses import dataclass

OK = "ok"

PUBLIC = {"anonymous": OK, "teacher": OK, "mentor": OK, "moderator": OK}
SIGNED_IN = {"anonymous": 401, "teacher": OK, "mentor": OK, "moderator": OK}
MENTORS = {"anonymous": 401, "teacher": 403, "mentor": OK, "moderator": 403}
MODERATORS = {"anonymous": 401, "teacher": 403, "mentor": 403, "moderator": OK}
STAFF = {"anonymous": 401, "teacher": 403, "mentor": OK, "moderator": OK}


@dataclass(frozen=True)
class Row:
    method: str
    # The path as declared, relative to /api/v1, such as "/library/entries/{entry_id}".
    path: str
    expected: dict[str, object]


ROLE_TABLE: list[Row] = [
    # me
    Row("GET", "/me", SIGNED_IN),
    Row("PATCH", "/me", SIGNED_IN),
    Row("GET", "/config", PUBLIC),
    Row("GET", "/demo/users", PUBLIC),
    Row("POST", "/demo/sessions", PUBLIC),
    # forum: everyone signed in reads, opens topics, replies and edits their
    # own posts (the service checks the author); moderators hide, lock and
    # move (see tests/tabs/test_forum.py).
    Row("GET", "/forum/sections", SIGNED_IN),
    Row("GET", "/forum/sections/{section_key}/topics", SIGNED_IN),
    Row("POST", "/forum/sections/{section_key}/topics", SIGNED_IN),
    Row("GET", "/forum/topics/{topic_id}", SIGNED_IN),
    Row("POST", "/forum/topics/{topic_id}/posts", SIGNED_IN),
    Row("PUT", "/forum/posts/{post_id}", SIGNED_IN),
    Row("POST", "/forum/posts/{post_id}/hide", MODERATORS),
    Row("POST", "/forum/posts/{post_id}/unhide", MODERATORS),
    Row("POST", "/forum/topics/{topic_id}/hide", MODERATORS),
    Row("POST", "/forum/topics/{topic_id}/unhide", MODERATORS),
    Row("POST", "/forum/topics/{topic_id}/lock", MODERATORS),
    Row("POST", "/forum/topics/{topic_id}/unlock", MODERATORS),
    Row("POST", "/forum/topics/{topic_id}/move", MODERATORS),
    # news: everyone signed in reads; moderators publish, edit and unpublish
    # (see tests/tabs/test_news.py).
    Row("GET", "/news", SIGNED_IN),
    Row("POST", "/news", MODERATORS),
    Row("GET", "/news/{news_id}", SIGNED_IN),
    Row("PUT", "/news/{news_id}", MODERATORS),
    Row("POST", "/news/{news_id}/unpublish", MODERATORS),
    Row("POST", "/news/{news_id}/publish", MODERATORS),
    # calendar: anyone signed in organises and registers; the service checks
    # who organises an event (see tests/tabs/test_calendar.py).
    Row("GET", "/events", SIGNED_IN),
    Row("POST", "/events", SIGNED_IN),
    Row("GET", "/events/{event_id}", SIGNED_IN),
    Row("PATCH", "/events/{event_id}", SIGNED_IN),
    Row("POST", "/events/{event_id}/cancel", SIGNED_IN),
    Row("GET", "/events/{event_id}/ics", SIGNED_IN),
    Row("PUT", "/events/{event_id}/registration", SIGNED_IN),
    Row("DELETE", "/events/{event_id}/registration", SIGNED_IN),
    Row("GET", "/events/{event_id}/registrations", SIGNED_IN),
    Row("GET", "/calendar", SIGNED_IN),
    Row("GET", "/calendar/options", SIGNED_IN),
    Row("GET", "/calendar/feed", SIGNED_IN),
    Row("POST", "/calendar/feed", SIGNED_IN),
    Row("DELETE", "/calendar/feed", SIGNED_IN),
    # my cases: every user is a teacher; the workflow checks whose case it is
    # and who holds it (see tests/tabs/test_my_cases.py).
    Row("GET", "/cases", SIGNED_IN),
    Row("POST", "/cases", SIGNED_IN),
    Row("GET", "/cases/form", SIGNED_IN),
    Row("GET", "/cases/{case_id}", SIGNED_IN),
    Row("GET", "/cases/{case_id}/history", SIGNED_IN),
    Row("GET", "/cases/{case_id}/candidates", SIGNED_IN),
    Row("POST", "/cases/{case_id}/close-by-library", SIGNED_IN),
    Row("POST", "/cases/{case_id}/find-mentor", SIGNED_IN),
    Row("POST", "/cases/{case_id}/mentor", SIGNED_IN),
    Row("POST", "/cases/{case_id}/rounds/{round_id}/answers", SIGNED_IN),
    Row("POST", "/cases/{case_id}/keep-version", SIGNED_IN),
    Row("POST", "/cases/{case_id}/revisions", SIGNED_IN),
    Row("POST", "/cases/{case_id}/second-opinion", SIGNED_IN),
    Row("POST", "/cases/{case_id}/completion", SIGNED_IN),
    Row("POST", "/cases/{case_id}/withdrawal", SIGNED_IN),
    Row("GET", "/mentoring/offers", MENTORS),
    Row("GET", "/mentoring/cases", MENTORS),
    Row("POST", "/mentoring/offers/{assignment_id}/accept", MENTORS),
    Row("POST", "/mentoring/offers/{assignment_id}/decline", MENTORS),
    Row("GET", "/mentoring/cases/{case_id}/suggested-questions", MENTORS),
    Row("POST", "/mentoring/cases/{case_id}/questions", MENTORS),
    Row("GET", "/mentoring/cases/{case_id}/materials", MENTORS),
    Row("POST", "/mentoring/cases/{case_id}/solutions", MENTORS),
    Row("GET", "/mentoring/moderation/cases", MODERATORS),
    Row("GET", "/mentoring/moderation/mentors", MODERATORS),
    Row("POST", "/mentoring/moderation/cases/{case_id}/mentor", MODERATORS),
    # mentors: anyone signed in reads profiles; a mentor edits their own
    # profile and a moderator anyone's, which the service checks for
    # /mentors/{mentor_id} (see tests/tabs/test_mentors.py).
    Row("GET", "/mentors", SIGNED_IN),
    Row("GET", "/mentors/options", SIGNED_IN),
    Row("GET", "/mentors/me", MENTORS),
    Row("PATCH", "/mentors/me", MENTORS),
    Row("PUT", "/mentors/me/availability", MENTORS),
    Row("GET", "/mentors/{mentor_id}", SIGNED_IN),
    Row("PATCH", "/mentors/{mentor_id}", STAFF),
    Row("POST", "/mentors/{mentor_id}/photo", STAFF),
    Row("DELETE", "/mentors/{mentor_id}/photo", STAFF),
    # library: everyone signed in searches and reads published entries;
    # mentors and moderators add materials, mentors attach them to their own
    # solutions, moderators edit, publish and unpublish (see
    # tests/tabs/test_library.py).
    Row("GET", "/library/filters", SIGNED_IN),
    Row("GET", "/library/entries", SIGNED_IN),
    Row("POST", "/library/entries", STAFF),
    Row("GET", "/library/entries/{entry_id}", SIGNED_IN),
    Row("PATCH", "/library/entries/{entry_id}", MODERATORS),
    Row("POST", "/library/entries/{entry_id}/publish", MODERATORS),
    Row("POST", "/library/entries/{entry_id}/unpublish", MODERATORS),
    Row("GET", "/library/moderation", MODERATORS),
    Row("GET", "/library/solutions", MENTORS),
    Row("POST", "/library/solutions/{solution_id}/materials", MENTORS),
    Row("DELETE", "/library/solutions/{solution_id}/materials/{entry_id}", MENTORS),
    # stats: moderators see the platform's figures and a mentor their own;
    # the service rejects a mentor asking for the platform's tables (see
    # tests/tabs/test_stats.py).
    Row("GET", "/stats/overview", STAFF),
    Row("GET", "/stats/{table}.csv", STAFF),
]
