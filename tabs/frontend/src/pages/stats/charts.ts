// Chart specifications of the statistics tables, and the chart.js
// configuration that draws them in the Fluent theme. chart.js is loaded on
// first use, so it stays out of the main bundle.
import type { Chart, ChartConfiguration } from "chart.js";
import type { Theme } from "@fluentui/react-components";
import type { ThemeName } from "../../theme";
import type { StatsTableData } from "./types";

export interface ChartSpec {
  /** Bars along the x axis: for many categories with long names, such as rubrics. */
  horizontal: boolean;
  /** The column whose values name the bars. */
  labelColumn: string;
  /** The columns drawn as bar series; "counts" means every count column. */
  series: readonly string[] | "counts";
  /** Fewer rows than this draw no chart, because a single bar adds nothing to the table. */
  minRows?: number;
}

export const CHART_SPECS: Record<string, ChartSpec> = {
  rubrics: { horizontal: true, labelColumn: "rubric", series: ["cases"] },
  statuses: { horizontal: true, labelColumn: "status", series: ["cases"] },
  urgency: { horizontal: false, labelColumn: "urgency", series: ["cases"] },
  timing_distribution: { horizontal: false, labelColumn: "bucket", series: "counts" },
  rounds: { horizontal: false, labelColumn: "rounds", series: ["searches", "byModerator"] },
  mentors: { horizontal: true, labelColumn: "mentor", series: ["inWork", "handled"], minRows: 2 },
  active_users: { horizontal: false, labelColumn: "year", series: ["teachers", "mentors"] },
};

export function seriesColumns(table: StatsTableData, spec: ChartSpec) {
  if (spec.series === "counts") return table.columns.filter((column) => column.type === "count");
  const keys = spec.series;
  return keys
    .map((key) => table.columns.find((column) => column.key === key))
    .filter((column): column is NonNullable<typeof column> => column !== undefined);
}

export function chartHeight(table: StatsTableData, spec: ChartSpec, seriesCount: number): number {
  if (!spec.horizontal) return 280;
  const barsPerRow = Math.max(1, seriesCount);
  return Math.max(180, table.rows.length * (14 + 12 * barsPerRow) + 70);
}

/**
 * Series colours from the theme's tokens. Light and dark use four palette
 * colours with at least 3:1 contrast against the card. High contrast has
 * only three distinct data colours, so a fourth series is hatched.
 */
function seriesColours(theme: Theme, name: ThemeName): string[] {
  if (name === "contrast") {
    return [theme.colorCompoundBrandStroke, theme.colorBrandForegroundLink, theme.colorNeutralForeground1];
  }
  return [
    theme.colorCompoundBrandStroke,
    theme.colorPaletteDarkOrangeBorderActive,
    theme.colorPaletteGreenBorderActive,
    theme.colorPaletteBerryBorderActive,
  ];
}

function hatch(colour: string, background: string): CanvasPattern | string {
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const context = tile.getContext("2d");
  if (!context) return colour;
  context.fillStyle = background;
  context.fillRect(0, 0, 8, 8);
  context.strokeStyle = colour;
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(0, 8);
  context.lineTo(8, 0);
  context.stroke();
  return context.createPattern(tile, "repeat") ?? colour;
}

let chartModule: Promise<typeof Chart> | null = null;

/** Load chart.js once and register the parts the bar charts use. */
export function loadChart(): Promise<typeof Chart> {
  chartModule ??= import("chart.js").then((module) => {
    module.Chart.register(
      module.BarController,
      module.BarElement,
      module.CategoryScale,
      module.LinearScale,
      module.Legend,
      module.Tooltip,
    );
    return module.Chart;
  });
  return chartModule;
}

export interface ChartInput {
  table: StatsTableData;
  spec: ChartSpec;
  theme: Theme;
  themeName: ThemeName;
  intlLocale: string;
  /** Maximum length of a tick label, in characters, before an ellipsis cuts it. The table shows it whole. */
  maxLabelLength: number;
}

export function chartConfiguration({
  table,
  spec,
  theme,
  themeName,
  intlLocale,
  maxLabelLength,
}: ChartInput): ChartConfiguration<"bar"> {
  const columns = seriesColumns(table, spec);
  const colours = seriesColours(theme, themeName);
  const labels = table.rows.map((row) => String(row[spec.labelColumn] ?? ""));
  const text = theme.colorNeutralForeground2;
  const grid = theme.colorNeutralStroke2;
  const valueAxis = spec.horizontal ? "x" : "y";
  const categoryAxis = spec.horizontal ? "y" : "x";
  const font = { family: theme.fontFamilyBase, size: 12 };

  const shorten = (label: string) =>
    label.length > maxLabelLength ? `${label.slice(0, maxLabelLength - 1)}…` : label;

  return {
    type: "bar",
    data: {
      labels,
      datasets: columns.map((column, index) => {
        const colour = colours[index % colours.length];
        const hatched = index >= colours.length;
        return {
          label: column.title,
          data: table.rows.map((row) => {
            const value = row[column.key];
            return typeof value === "number" ? value : 0;
          }),
          backgroundColor: hatched ? hatch(colour, theme.colorNeutralBackground1) : colour,
          borderColor: colour,
          borderWidth: hatched || themeName === "contrast" ? 1 : 0,
          maxBarThickness: 28,
        };
      }),
    },
    options: {
      indexAxis: spec.horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      // Charts appear at once: no motion to sit through or to disable.
      animation: false,
      locale: intlLocale,
      color: text,
      font,
      plugins: {
        legend: {
          display: columns.length > 1,
          position: "bottom",
          labels: { color: text, font, boxWidth: 14 },
        },
        tooltip: { enabled: true },
      },
      scales: {
        [valueAxis]: {
          beginAtZero: true,
          ticks: { color: text, font, precision: 0 },
          grid: { color: grid },
          border: { color: grid },
        },
        [categoryAxis]: {
          ticks: {
            color: text,
            font,
            autoSkip: false,
            callback(value) {
              return shorten(String(this.getLabelForValue(Number(value))));
            },
          },
          grid: { display: false },
          border: { color: grid },
        },
      },
    },
  };
}
