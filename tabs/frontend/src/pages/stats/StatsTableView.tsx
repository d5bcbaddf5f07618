// One statistics table: its heading and note, a chart where one helps, the
// figures as a table (the chart's text alternative) and its CSV download.
import {
  Button,
  Caption1,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownloadRegular } from "@fluentui/react-icons";
import { useId, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { type Formatter, useFormat } from "../../format";
import { useT } from "../../i18n";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CHART_SPECS } from "./charts";
import { StatsChart } from "./StatsChart";
import type { ColumnType, PeriodQuery, StatsTableData } from "./types";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  heading: { margin: 0, overflowWrap: "anywhere" },
  note: { color: tokens.colorNeutralForeground2 },
  // A narrow table is next to its chart on a wide screen, and a wide one is below it.
  sideBySide: {
    display: "grid",
    gap: tokens.spacingHorizontalL,
    alignItems: "start",
    gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 420px), 1fr))",
  },
  stacked: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  table: { tableLayout: "auto", width: "100%" },
  scroll: {
    overflowX: "auto",
    minWidth: 0,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  number: { textAlign: "end", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" },
  headerNumber: {
    textAlign: "end",
    "& .fui-TableHeaderCell__button": { justifyContent: "flex-end", textAlign: "end" },
  },
  text: { overflowWrap: "break-word", minWidth: "9em" },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
});

const DECIMALS: Record<ColumnType, number> = { text: 0, count: 0, hours: 1, percent: 1, rating: 2 };

export function formatValue(value: string | number | null | undefined, type: ColumnType, format: Formatter): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") return value;
  const digits = DECIMALS[type];
  const number = format.number(value, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return type === "percent" ? `${number} %` : number;
}

function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function StatsTableView({ table, query }: { table: StatsTableData; query: PeriodQuery }) {
  const t = useT();
  const styles = useStyles();
  const format = useFormat();
  const api = useApi();
  const headingId = useId();
  const [downloading, setDownloading] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const spec = CHART_SPECS[table.name];
  const showChart = spec !== undefined && table.rows.length >= (spec.minRows ?? 1);

  const download = async () => {
    setDownloading(true);
    setProblem(null);
    try {
      const { blob, filename } = await api.download(table.csvPath, { query: { ...query } });
      saveBlob(blob, filename ?? `stats-${table.name}.csv`);
    } catch (error) {
      setProblem(error as ApiProblem | Error);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className={styles.root} data-table={table.name}>
      <Subtitle2 as="h3" id={headingId} className={styles.heading}>
        {table.title}
      </Subtitle2>
      {table.note ? <Caption1 className={styles.note}>{table.note}</Caption1> : null}
      <div className={table.columns.length > 3 ? styles.stacked : styles.sideBySide}>
        {showChart ? <StatsChart table={table} spec={spec} /> : null}
        <div className={styles.scroll} role="region" aria-labelledby={headingId} tabIndex={0}>
          <Table size="small" aria-labelledby={headingId} className={styles.table}>
            <TableHeader>
              <TableRow>
                {table.columns.map((column) => (
                  <TableHeaderCell
                    key={column.key}
                    scope="col"
                    className={column.type === "text" ? undefined : styles.headerNumber}
                  >
                    {column.title}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {table.rows.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={table.columns.length}>{t("stats.noRows")}</TableCell>
                </TableRow>
              ) : (
                table.rows.map((row) => (
                  <TableRow key={row.key}>
                    {table.columns.map((column) => (
                      <TableCell
                        key={column.key}
                        className={mergeClasses(column.type === "text" ? styles.text : styles.number)}
                      >
                        {formatValue(row[column.key], column.type, format)}
                      </TableCell>
                    ))}
                  </TableRow>
                ))
              )}
            </TableBody>
          </Table>
        </div>
      </div>
      <div className={styles.actions}>
        <Button
          icon={<ArrowDownloadRegular />}
          disabled={downloading}
          onClick={() => void download()}
          aria-label={t("stats.downloadCsvOf", { title: table.title })}
          data-csv={table.name}
        >
          {t("stats.downloadCsv")}
        </Button>
      </div>
      {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
    </div>
  );
}
