"""Full-text search over published library entries, one path per database engine.

SQLite: an FTS5 table ``library_fts`` contains Snowball stems (see
``teams_app.search_text``) and ranks with bm25. PostgreSQL: the table
``library_search`` contains a ``tsvector`` built with both the ``russian`` and
the ``english`` configurations and ranks with ``ts_rank``. Both add the
overlap of rubric tags, so entries of the right field rank even when no word
matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from teams_app.domain.enums import LibraryEntryKind
from teams_app.search_text import query_stems, stems, tokens
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


async def _text_scores(session: AsyncSession, query: str, limit: int) -> dict[int, float]:
    """Score entries by text relevance, scaled to 0..1 within this result set."""
    terms = query_stems(query)
    if not terms:
        return {}
    if session.bind.dialect.name == "sqlite":
        match = " OR ".join(f'"{term}"' for term in terms)
        rows = await session.execute(
            text(
                "SELECT rowid, -bm25(library_fts) AS score FROM library_fts "
                "WHERE library_fts MATCH :match ORDER BY score DESC LIMIT :limit"
            ),
            {"match": match, "limit": limit},
        )
    else:
        rows = await session.execute(
            text(
                "WITH q AS (SELECT to_tsquery('russian', :ru) || to_tsquery('english', :en) AS q) "
                "SELECT entry_id, ts_rank(document, q.q) AS score FROM library_search, q "
                "WHERE document @@ q.q ORDER BY score DESC LIMIT :limit"
            ),
            {
                "ru": " | ".join(_pg_terms(query)),
                "en": " | ".join(_pg_terms(query)),
                "limit": limit,
            },
        )
    scores = {int(entry_id): float(score) for entry_id, score in rows}
    top = max(scores.values(), default=0.0)
    # NOTE: relative scaling gives the best text match 1.0 however weak it is,
    # so with a small library an unrelated entry can head the first answer.
    return {entry_id: score / top for entry_id, score in scores.items()} if top > 0 else {}


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
    """Rank published entries by text relevance plus rubric overlap; best first."""
    text_scores = await _text_scores(session, query, limit=200)
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

    candidate_ids = set(text_scores) | set(rubric_scores)
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
    hits = [
        SearchHit(
            entry_id,
            TEXT_WEIGHT * text_scores.get(entry_id, 0.0)
            + RUBRIC_WEIGHT * rubric_scores.get(entry_id, 0.0),
        )
        for entry_id in visible
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.entry_id))
    return hits[:limit]
