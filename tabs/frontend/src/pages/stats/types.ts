// The response of GET /api/v1/stats/overview. Titles, notes and row labels
// arrive translated into the user's language; numbers arrive raw.

/** The kind of a column's values: text, a count, hours, a percentage (0-100) or a 1-5 rating. */
export type ColumnType = "text" | "count" | "hours" | "percent" | "rating";

export interface StatsColumn {
  key: string;
  title: string;
  type: ColumnType;
}

/** One row: a value per column key, plus a stable `key` (a rubric key, a status, a year...). */
export type StatsRow = { key: string } & Record<string, string | number | null>;

export interface StatsTableData {
  name: string;
  title: string;
  note: string;
  columns: StatsColumn[];
  rows: StatsRow[];
  /** The CSV export of the table, relative to /api/v1. */
  csvPath: string;
}

export interface StatsFigure {
  key: string;
  label: string;
  value: number | null;
  type: ColumnType;
}

export interface StatsSectionData {
  name: string;
  title: string;
  figures: StatsFigure[];
  tables: StatsTableData[];
}

export type StatsScope = "platform" | "mine";

export interface StatsReport {
  scope: StatsScope;
  period: { from: string; to: string; timeZone: string; startsAt: string; endsAt: string };
  sections: StatsSectionData[];
}

/** The query parameters of a report and its CSV exports. */
export interface PeriodQuery {
  periodFrom?: string;
  periodTo?: string;
  scope?: StatsScope;
}
