"""Views, limits and errors of the library tab's service."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus, MaterialType
from teams_app.domain.errors import DomainError
from teams_app.i18n import gettext_noop as N_
from teams_app.workflow.views import RubricView

# Limits of a type 2 material, in NFC characters.
MATERIAL_TITLE_LIMIT = 200
MATERIAL_SUMMARY_LIMIT = 2000
URL_LIMIT = 2000
# A search text longer than this is rejected rather than cut.
QUERY_LIMIT = 200
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# Characters of a solution's text shown in a mentor's list of solutions.
SOLUTION_EXCERPT_LIMIT = 300


class SortOrder(enum.StrEnum):
    RELEVANCE = "relevance"  # best text match first; needs search words
    NEWEST = "newest"
    OLDEST = "oldest"


class EntryStateConflict(DomainError):
    """An action that does not apply to the entry's current status."""

    code = "entry_state_conflict"
    message_id = N_("Library entry #{id} is «{status}»; this action does not apply to it.")


class EditConflict(DomainError):
    code = "edit_conflict"
    message_id = N_(
        "Library entry #{id} was changed by someone else while you edited it. "
        "Reload the page and apply your changes again."
    )


@dataclass(frozen=True)
class LibraryQuery:
    """A search of the library tab; dates are days in the searcher's time zone."""

    text: str = ""
    rubrics: tuple[str, ...] = ()
    kind: LibraryEntryKind | None = None
    material_types: tuple[MaterialType, ...] = ()
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    # Anything but PUBLISHED is for moderators only.
    statuses: tuple[LibraryEntryStatus, ...] = (LibraryEntryStatus.PUBLISHED,)
    # None: by relevance when the text has search words, else newest first.
    sort: SortOrder | None = None
    offset: int = 0
    limit: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class EntrySummary:
    """One row of a result list."""

    id: int
    kind: LibraryEntryKind
    material_type: MaterialType | None
    status: LibraryEntryStatus
    title: str
    summary: str
    url: str | None
    language: str
    rubrics: tuple[RubricView, ...]
    published_at: dt.datetime | None


@dataclass(frozen=True)
class LibraryPage:
    items: tuple[EntrySummary, ...]
    total: int
    offset: int
    limit: int
    sort: SortOrder


@dataclass(frozen=True)
class AttachedMaterial:
    id: int
    title: str
    url: str | None
    material_type: MaterialType | None
    # Shown to moderators only; readers never get unpublished materials.
    status: LibraryEntryStatus


@dataclass(frozen=True)
class Clarification:
    question: str
    answer: str


@dataclass(frozen=True)
class PublishedSolution:
    text: str
    materials: tuple[AttachedMaterial, ...]


@dataclass(frozen=True)
class SolvedCaseBody:
    """The anonymised texts of a solved case, as published."""

    essence: str
    actions_taken: str
    why_difficult: str
    question: str
    participants: tuple[str, ...]
    urgency: str | None
    clarifications: tuple[Clarification, ...]
    solutions: tuple[PublishedSolution, ...]


@dataclass(frozen=True)
class EntryDetail:
    id: int
    kind: LibraryEntryKind
    status: LibraryEntryStatus
    title: str
    summary: str
    url: str | None
    material_type: MaterialType | None
    language: str
    rubrics: tuple[RubricView, ...]
    published_at: dt.datetime | None
    updated_at: dt.datetime | None
    # The name of the mentor or moderator who added a material; None for solved cases.
    added_by: str | None
    case: SolvedCaseBody | None


@dataclass(frozen=True)
class MentorSolution:
    """A solution the signed-in mentor wrote, with the materials attached to it."""

    id: int
    case_number: str
    created_at: dt.datetime
    excerpt: str
    materials: tuple[AttachedMaterial, ...]


@dataclass(frozen=True)
class SolutionPage:
    items: tuple[MentorSolution, ...]
    total: int
