"""Statistics: the report of a period as JSON, and each of its tables as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from tabs.api.core import Access, ApiContext, ApiRoutes
from teams_app.domain.errors import NotFound
from teams_app.i18n import language_of
from teams_app.workflow.stats import (
    TABLE_NAMES,
    ColumnKind,
    StatsReport,
    StatsSection,
    StatsTable,
)

routes = ApiRoutes(tag="stats")

CSV_CONTENT_TYPE = "text/csv"
# Excel reads a UTF-8 file as UTF-8 only when it starts with a byte order mark.
BYTE_ORDER_MARK = "\ufeff"
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel with Russian regional settings splits CSV columns at semicolons and
# reads decimal commas; with English settings at commas, with decimal points.
CSV_DIALECTS = {"ru": (";", ","), "en": (",", ".")}

_PERIOD_QUERY = {
    "periodFrom": {
        "type": "string",
        "format": "date",
        "description": "First day, in the user's time zone; a year before periodTo by default.",
    },
    "periodTo": {
        "type": "string",
        "format": "date",
        "description": "Last day, inclusive; today by default.",
    },
    "scope": {
        "type": "string",
        "enum": ["platform", "mine"],
        "description": "platform (moderators, the default for them) or mine (a mentor's own).",
    },
}
_TABLE_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "note": {"type": "string"},
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "key": {"type": "string"},
                    "title": {"type": "string"},
                    "type": {"type": "string", "enum": [kind.value for kind in ColumnKind]},
                },
            },
        },
        "rows": {"type": "array", "items": {"type": "object"}},
        "csvPath": {"type": "string"},
    },
}
REPORT_SCHEMA = {
    "type": "object",
    "properties": {
        "scope": {"type": "string", "enum": ["platform", "mine"]},
        "period": {
            "type": "object",
            "properties": {
                "from": {"type": "string", "format": "date"},
                "to": {"type": "string", "format": "date"},
                "timeZone": {"type": "string"},
                "startsAt": {"type": "string", "format": "date-time"},
                "endsAt": {"type": "string", "format": "date-time"},
            },
        },
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "title": {"type": "string"},
                    "figures": {"type": "array", "items": {"type": "object"}},
                    "tables": {"type": "array", "items": _TABLE_SCHEMA},
                },
            },
        },
    },
}


def _period_arguments(ctx: ApiContext) -> dict[str, Any]:
    query = ctx.request.query
    return {
        "period_from": query.get("periodFrom"),
        "period_to": query.get("periodTo"),
        "scope": query.get("scope"),
        "locale": ctx.locale,
    }


def _table_json(table: StatsTable) -> dict[str, Any]:
    return {
        "name": table.name,
        "title": table.title,
        "note": table.note,
        "columns": [
            {"key": column.key, "title": column.title, "type": column.kind.value}
            for column in table.columns
        ],
        "rows": [dict(row) for row in table.rows],
        "csvPath": f"/stats/{table.name}.csv",
    }


def _section_json(section: StatsSection) -> dict[str, Any]:
    return {
        "name": section.name,
        "title": section.title,
        "figures": [
            {"key": f.key, "label": f.label, "value": f.value, "type": f.kind.value}
            for f in section.figures
        ],
        "tables": [_table_json(table) for table in section.tables],
    }


def report_json(report: StatsReport) -> dict[str, Any]:
    period = report.period
    return {
        "scope": report.scope.value,
        "period": {
            "from": period.first_day.isoformat(),
            "to": period.last_day.isoformat(),
            "timeZone": period.time_zone,
            "startsAt": period.starts_at.isoformat(),
            "endsAt": period.ends_at.isoformat(),
        },
        "sections": [_section_json(section) for section in report.sections],
    }


@routes.get(
    "/stats/overview",
    access=Access.STAFF,
    summary="Statistics of a period by section: the platform for moderators, a mentor's own",
    query=_PERIOD_QUERY,
    response=REPORT_SCHEMA,
)
async def get_stats_overview(request: web.Request, ctx: ApiContext) -> dict[str, Any]:
    report = await ctx.services.stats.report(ctx.user, **_period_arguments(ctx))
    return report_json(report)


# ------------------------------------------------------------------ CSV


def neutralise_formula(cell: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _csv_cell(value: Any, kind: ColumnKind, decimal_mark: str) -> str:
    if value is None:
        return ""
    if kind in (ColumnKind.HOURS, ColumnKind.RATING):
        text = f"{float(value):.2f}".replace(".", decimal_mark)
    elif kind is ColumnKind.PERCENT:
        text = f"{float(value):.1f}".replace(".", decimal_mark)
    else:
        text = str(value)
    return neutralise_formula(text)


def table_csv(table: StatsTable, language: str) -> str:
    """Render a table as CSV text for Excel in the user's language, byte order mark first."""
    delimiter, decimal_mark = CSV_DIALECTS.get(language, CSV_DIALECTS["en"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise_formula(column.title) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [_csv_cell(row.get(column.key), column.kind, decimal_mark) for column in table.columns]
        )
    return BYTE_ORDER_MARK + buffer.getvalue()


@routes.get(
    "/stats/{table}.csv",
    access=Access.STAFF,
    summary="One statistics table as CSV for Excel (UTF-8 with a byte order mark)",
    query=_PERIOD_QUERY,
    produces=CSV_CONTENT_TYPE,
)
async def download_stats_table(request: web.Request, ctx: ApiContext) -> web.Response:
    name = request.match_info.get("table", "")
    if name not in TABLE_NAMES:
        raise NotFound(what=f"/stats/{name}.csv")
    report, table = await ctx.services.stats.table(ctx.user, name, **_period_arguments(ctx))
    period = report.period
    filename = (
        f"stats-{name.replace('_', '-')}-{period.first_day.isoformat()}"
        f"-{period.last_day.isoformat()}.csv"
    )
    return web.Response(
        text=table_csv(table, language_of(ctx.locale)),
        content_type=CSV_CONTENT_TYPE,
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
