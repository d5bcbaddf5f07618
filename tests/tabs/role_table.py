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
]
