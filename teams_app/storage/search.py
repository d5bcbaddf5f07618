"""Full-text search over published library entries, one path per database engine.

SQLite: an FTS5 table ``library_fts`` contains Snowball stems (see
``teams_app.search_text``) and ranks with bm25. PostgreSQL: the table
``library_search`` contains a ``tsvector`` built with both the ``russian`` and
the ``english`` configurations and ranks with ``ts_rank``. Both add the
overlap of rubric tags, so entries of the right field rank even when no word
matches.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Subquery,
    Text,
    bindparam,
    column,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import LibraryEntryKind, LibraryEntryStatus
from teams_app.search_text import stem, stems, tokens
from teams_app.storage.models import LibraryEntry

# A rubric shared with the query weighs as much as a strong text match.
RUBRIC_WEIGHT = 1.0
TEXT_WEIGHT = 1.0


@dataclass(frozen=True)
class SearchHit:
    entry_id: int
    score: float


def document_text(entry: LibraryEntry) -> str:
    """Collect the searchable text of an entry: title, summary and, for cases, the body."""
    parts = [entry.title, entry.summary]
    body = entry.body or {}
    for key in ("essence", "actions_taken", "why_difficult", "question"):
        if body.get(key):
            parts.append(str(body[key]))
    for item in body.get("clarifications", []) or []:
        parts.append(str(item.get("question", "")))
        parts.append(str(item.get("answer", "")))
    for item in body.get("solutions", []) or []:
        parts.append(str(item.get("text", "")))
    return "\n".join(part for part in parts if part)


async def index_entry(session: AsyncSession, entry: LibraryEntry) -> None:
    """Add or replace an entry in the full-text index."""
    content = document_text(entry)
    if session.bind.dialect.name == "sqlite":
        await session.execute(text("DELETE FROM library_fts WHERE rowid = :id"), {"id": entry.id})
        await session.execute(
            text("INSERT INTO library_fts (rowid, content) VALUES (:id, :content)"),
            {"id": entry.id, "content": " ".join(stems(content))},
        )
    else:
        await session.execute(
            text(
                "INSERT INTO library_search (entry_id, document) VALUES (:id, "
                "to_tsvector('russian', :content) || to_tsvector('english', :content)) "
                "ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document"
            ),
            {"id": entry.id, "content": content},
        )


async def remove_entry(session: AsyncSession, entry_id: int) -> None:
    if session.bind.dialect.name == "sqlite":
        await session.execute(text("DELETE FROM library_fts WHERE rowid = :id"), {"id": entry_id})
    else:
        await session.execute(
            text("DELETE FROM library_search WHERE entry_id = :id"), {"id": entry_id}
        )


# Snowball's stop word lists as PostgreSQL 15 ships them (tsearch_data/russian.stop
# and english.stop). Both engines drop these words from queries, so a word such
# as «на» or "the" alone never makes an entry a match.
STOP_WORDS = frozenset(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы
    по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг
    ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом
    себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам
    чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого
    какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
    зачем всех никогда можно при наконец два об другой хоть после над больше тот
    через эти нас про всего них какая много разве три эту моя впрочем хорошо свою
    этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю
    между
    i me my myself we our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs
    themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more
    most other some such no nor not only own same so than too very s t can will
    just don should now
    """.split()
)
# Coverage counts at most this many query words, so a whole case text used as
# a query still gives an entry that shares five of its words a full score.
COVERAGE_WORDS = 5
# An entry is a text match when it contains at least this share of the
# (capped) query words: 1 of 1 or 2 words, 2 of 3 or 4, 3 of 5 or more.
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class QueryWord:
    """A significant word of a query: PostgreSQL stems ``word``, SQLite's index contains ``stem``."""

    word: str
    stem: str


def query_words(query: str) -> list[QueryWord]:
    """Return the distinct significant words of a query, stop words dropped, one per stem."""
    words: dict[str, QueryWord] = {}
    for word in tokens(query):
        if word in STOP_WORDS:
            continue
        words.setdefault(stem(word), QueryWord(word, stem(word)))
    return list(words.values())


def required_matches(word_count: int) -> int:
    """Return how many of ``word_count`` query words an entry must contain to match."""
    return max(1, math.ceil(MIN_COVERAGE * min(word_count, COVERAGE_WORDS)))


def coverage(matched: int, word_count: int) -> float:
    """Return an absolute text score in 0..1: the share of query words found, capped."""
    return min(1.0, matched / min(word_count, COVERAGE_WORDS))


def text_hits(session: AsyncSession, words: Sequence[QueryWord]) -> Subquery:
    """Build a subquery of entries containing any of ``words``.

    Columns: ``entry_id``; ``matched``, how many of the words the entry
    contains; ``rank``, the engine's relevance where lower is better (bm25 on
    SQLite, minus ts_rank on PostgreSQL), comparable only within one query.
    """
    columns = (
        column("entry_id", Integer),
        column("rank", Float),
        column("matched", Integer),
    )
    if session.bind.dialect.name == "sqlite":
        # The index contains space-separated stems, so a padded substring test
        # tells whether one stem occurs in an entry.
        statement = text(
            "SELECT rowid AS entry_id, bm25(library_fts) AS rank, "
            "(SELECT count(*) FROM json_each(:stems) "
            " WHERE instr(' ' || library_fts.content || ' ', ' ' || json_each.value || ' ') > 0"
            ") AS matched "
            "FROM library_fts WHERE library_fts MATCH :match"
        ).bindparams(
            stems=json.dumps([word.stem for word in words], ensure_ascii=False),
            match=" OR ".join(f'"{word.stem}"' for word in words),
        )
    else:
        # Each word is quoted, so to_tsquery applies the configuration's
        # stemmer and no tsquery operator typed by a user takes effect.
        quoted = [f"'{word.word}'" for word in words]
        statement = text(
            "WITH words AS ("
            " SELECT to_tsquery('russian', word) || to_tsquery('english', word) AS q"
            " FROM unnest(:words) AS word"
            "), query AS (SELECT to_tsquery('russian', :any) || to_tsquery('english', :any) AS q) "
            "SELECT s.entry_id AS entry_id, -ts_rank(s.document, query.q) AS rank, "
            "(SELECT count(*) FROM words WHERE s.document @@ words.q) AS matched "
            "FROM library_search AS s, query WHERE s.document @@ query.q"
        ).bindparams(
            bindparam("words", quoted, type_=ARRAY(Text)),
            any=" | ".join(quoted),
        )
    return statement.columns(*columns).subquery("text_hits")


@dataclass(frozen=True)
class _TextMatch:
    score: float
    rank: float


async def _text_matches(
    session: AsyncSession, query: str, limit: int
) -> dict[int, _TextMatch]:
    """Score the entries that match ``query`` by coverage, an absolute 0..1 scale.

    A weak match keeps a low score whatever else the library contains, so with a
    small library an unrelated entry no longer heads the first answer.
    """
    words = query_words(query)
    if not words:
        return {}
    hits = text_hits(session, words)
    rows = await session.execute(
        select(hits.c.entry_id, hits.c.rank, hits.c.matched)
        .where(hits.c.matched >= required_matches(len(words)))
        .order_by(hits.c.rank, hits.c.entry_id)
        .limit(limit)
    )
    return {
        int(entry_id): _TextMatch(coverage(int(matched), len(words)), float(rank))
        for entry_id, rank, matched in rows
    }


def _pg_terms(query: str) -> list[str]:
    # Plain words only: tsquery operators typed by a user are dropped here and
    # each word is quoted, so to_tsquery applies the configuration's stemmer.
    return [f"'{word}'" for word in dict.fromkeys(tokens(query))]


async def search_library(
    session: AsyncSession,
    query: str,
    rubrics: Sequence[str] = (),
    *,
    kinds: Sequence[LibraryEntryKind] = (),
    limit: int = 5,
    exclude_case_id: int | None = None,
) -> list[SearchHit]:
    """Rank published entries by text coverage plus rubric overlap; best first."""
    text_matches = await _text_matches(session, query, limit=200)
    rubric_scores: dict[int, float] = {}
    if rubrics:
        placeholders = ", ".join(f":r{i}" for i in range(len(rubrics)))
        rows = await session.execute(
            text(
                "SELECT entry_id, COUNT(*) FROM library_entry_rubrics "
                f"WHERE rubric_key IN ({placeholders}) GROUP BY entry_id"
            ),
            {f"r{i}": key for i, key in enumerate(rubrics)},
        )
        rubric_scores = {int(entry_id): count / len(rubrics) for entry_id, count in rows}

    candidate_ids = set(text_matches) | set(rubric_scores)
    if not candidate_ids:
        return []
    placeholders = ", ".join(f":e{i}" for i in range(len(candidate_ids)))
    params: dict[str, object] = {f"e{i}": entry_id for i, entry_id in enumerate(candidate_ids)}
    conditions = [f"id IN ({placeholders})", "status = 'published'"]
    if kinds:
        kind_placeholders = ", ".join(f":k{i}" for i in range(len(kinds)))
        conditions.append(f"kind IN ({kind_placeholders})")
        params.update({f"k{i}": kind.value for i, kind in enumerate(kinds)})
    if exclude_case_id is not None:
        conditions.append("(source_case_id IS NULL OR source_case_id != :exclude)")
        params["exclude"] = exclude_case_id
    rows = await session.execute(
        text(f"SELECT id FROM library_entries WHERE {' AND '.join(conditions)}"), params
    )
    visible = {int(entry_id) for (entry_id,) in rows}
    no_text = _TextMatch(0.0, math.inf)
    hits = [
        SearchHit(
            entry_id,
            TEXT_WEIGHT * text_matches.get(entry_id, no_text).score
            + RUBRIC_WEIGHT * rubric_scores.get(entry_id, 0.0),
        )
        for entry_id in visible
    ]
    # Equal scores fall back to the engine's text rank.
    hits.sort(
        key=lambda hit: (-hit.score, text_matches.get(hit.entry_id, no_text).rank, hit.entry_id)
    )
    return hits[:limit]


async def published_page(
    session: AsyncSession, query: str, *, offset: int, limit: int
) -> list[LibraryEntry]:
    """Load one page of published entries in a single SQL statement.

    Entries match ``query`` and come in the order of the library tab's
    relevance sort: most query words first, then the engine's text rank, then
    newest. A query without words lists every published entry, newest first.
    Stop words alone ("на", "the") match no entry.
    """
    if offset < 0 or limit < 1:
        raise ValueError(
            f"invalid page: offset must be >= 0 and limit >= 1, got {offset=} and {limit=}"
        )
    words = query_words(query)
    if not words and tokens(query):
        return []

    statement = select(LibraryEntry).where(LibraryEntry.status == LibraryEntryStatus.PUBLISHED)
    order: list[Any] = []
    if words:
        hits = text_hits(session, words)
        statement = statement.join(hits, hits.c.entry_id == LibraryEntry.id).where(
            hits.c.matched >= required_matches(len(words))
        )
        order = [hits.c.matched.desc(), hits.c.rank]
    shown_at = func.coalesce(LibraryEntry.published_at, LibraryEntry.created_at)
    order += [shown_at.desc(), LibraryEntry.id.desc()]
    return list(await session.scalars(statement.order_by(*order).offset(offset).limit(limit)))
