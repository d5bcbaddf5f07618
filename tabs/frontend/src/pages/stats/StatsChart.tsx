// A bar chart of one statistics table, drawn by chart.js in the theme's
// colours. The table next to it is the text alternative.
import { makeStyles, tokens } from "@fluentui/react-components";
import type { Chart } from "chart.js";
import { useEffect, useRef, useState } from "react";
import { useLocale, useT } from "../../i18n";
import { useSession } from "../../session";
import { fluentThemes } from "../../theme";
import { type ChartSpec, chartConfiguration, chartHeight, loadChart, seriesColumns } from "./charts";
import type { StatsTableData } from "./types";

const useStyles = makeStyles({
  box: {
    position: "relative",
    width: "100%",
    minWidth: 0,
    padding: tokens.spacingVerticalS,
    boxSizing: "border-box",
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

const INTL_LOCALE = { en: "en-GB", ru: "ru-RU" } as const;

/** Return the maximum tick label length, in characters, for a chart this wide. */
function labelLengthFor(width: number): number {
  if (width < 420) return 16;
  if (width < 700) return 28;
  return 48;
}

export function StatsChart({ table, spec }: { table: StatsTableData; spec: ChartSpec }) {
  const t = useT();
  const styles = useStyles();
  const locale = useLocale();
  const { theme: themeName } = useSession();
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [labelLength, setLabelLength] = useState(48);
  const seriesCount = seriesColumns(table, spec).length;

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const observer = new ResizeObserver(([entry]) => setLabelLength(labelLengthFor(entry.contentRect.width)));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let chart: Chart<"bar"> | null = null;
    let cancelled = false;
    void loadChart().then((ChartClass) => {
      const canvas = canvasRef.current;
      if (cancelled || !canvas) return;
      chart = new ChartClass(
        canvas,
        chartConfiguration({
          table,
          spec,
          theme: fluentThemes[themeName],
          themeName,
          intlLocale: INTL_LOCALE[locale],
          maxLabelLength: labelLength,
        }),
      );
      // Browser tests wait for this mark before they read the pixels.
      canvas.dataset.drawn = "true";
    });
    return () => {
      cancelled = true;
      chart?.destroy();
      if (canvasRef.current) delete canvasRef.current.dataset.drawn;
    };
  }, [table, spec, themeName, locale, labelLength]);

  return (
    <div ref={boxRef} className={styles.box} style={{ height: chartHeight(table, spec, seriesCount) }}>
      <canvas ref={canvasRef} role="img" aria-label={t("stats.chartLabel", { title: table.title })} data-chart={table.name} />
    </div>
  );
}
