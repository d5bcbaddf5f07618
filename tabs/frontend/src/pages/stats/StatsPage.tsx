// The Statistics tab: moderators see the platform's figures, a mentor sees
// their own. The period and scope live in the hash ("#/?from=2025-01-01&
// to=2025-12-31&scope=mine"), so a reload or a shared link keeps them.
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  Select,
  Subtitle1,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useId, useMemo, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useLocale, useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { EmptyState } from "../../ui/EmptyState";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { PageLayout } from "../../ui/PageLayout";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { StatsTableView, formatValue } from "./StatsTableView";
import type { PeriodQuery, StatsReport, StatsScope, StatsSectionData } from "./types";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXL },
  form: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "flex-start",
    gap: tokens.spacingHorizontalM,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  // A field's error message wraps inside it instead of widening it.
  dateField: { minWidth: "11em", maxWidth: "16em" },
  // Level with the inputs, below the fields' labels.
  buttons: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    marginTop: `calc(${tokens.lineHeightBase300} + ${tokens.spacingVerticalS})`,
  },
  periodNote: { color: tokens.colorNeutralForeground2, flexBasis: "100%" },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  sectionHeading: { margin: 0 },
  figures: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, margin: 0 },
  figure: {
    display: "flex",
    flexDirection: "column-reverse",
    gap: tokens.spacingVerticalXXS,
    minWidth: "10em",
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  figureLabel: { color: tokens.colorNeutralForeground2, margin: 0 },
  figureValue: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
});

const INTL_LOCALE = { en: "en-GB", ru: "ru-RU" } as const;

/** Format a calendar day ("2025-03-10") as "10 March 2025", whatever the user's time zone. */
function formatDay(day: string, locale: keyof typeof INTL_LOCALE): string {
  const format = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return format.format(new Date(`${day}T00:00:00Z`));
}

function queryFromParams(params: URLSearchParams): PeriodQuery {
  const query: PeriodQuery = {};
  const from = params.get("from");
  const to = params.get("to");
  const scope = params.get("scope");
  if (from) query.periodFrom = from;
  if (to) query.periodTo = to;
  if (scope === "platform" || scope === "mine") query.scope = scope;
  return query;
}

function hashFor(query: PeriodQuery): string {
  const params = new URLSearchParams();
  if (query.periodFrom) params.set("from", query.periodFrom);
  if (query.periodTo) params.set("to", query.periodTo);
  if (query.scope) params.set("scope", query.scope);
  const text = params.toString();
  return text ? `/?${text}` : "/";
}

function Section({ section, query }: { section: StatsSectionData; query: PeriodQuery }) {
  const styles = useStyles();
  const format = useFormat();
  const headingId = useId();
  return (
    <section className={styles.section} aria-labelledby={headingId} data-section={section.name}>
      <Subtitle1 as="h2" id={headingId} className={styles.sectionHeading}>
        {section.title}
      </Subtitle1>
      {section.figures.length > 0 ? (
        <dl className={styles.figures}>
          {section.figures.map((figure) => (
            <div key={figure.key} className={styles.figure}>
              <dd className={styles.figureValue}>{formatValue(figure.value, figure.type, format)}</dd>
              <dt className={styles.figureLabel}>
                <Caption1>{figure.label}</Caption1>
              </dt>
            </div>
          ))}
        </dl>
      ) : null}
      {section.tables.map((table) => (
        <StatsTableView key={table.name} table={table} query={query} />
      ))}
    </section>
  );
}

export function StatsPage() {
  const t = useT();
  const styles = useStyles();
  const api = useApi();
  const route = useRoute();
  const session = useSession();
  const locale = useLocale();
  const moderator = session.hasRole("moderator");
  const mentor = session.hasRole("mentor");
  const allowed = moderator || mentor;

  // The params object is new on every render; its text is stable.
  const paramsText = route.params.toString();
  const query = useMemo(() => queryFromParams(new URLSearchParams(paramsText)), [paramsText]);
  const [report, setReport] = useState<StatsReport | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [loading, setLoading] = useState(false);
  const [from, setFrom] = useState(query.periodFrom ?? "");
  const [to, setTo] = useState(query.periodTo ?? "");
  const [scope, setScope] = useState<StatsScope>(query.scope ?? (moderator ? "platform" : "mine"));

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        const body = await api.get<StatsReport>("/stats/overview", { query: { ...query }, signal });
        setReport(body);
        setProblem(null);
        // The server fills in the default period; show it in the inputs.
        setFrom(body.period.from);
        setTo(body.period.to);
        setScope(body.scope);
      } catch (error) {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as ApiProblem | Error);
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [api, query],
  );

  useEffect(() => {
    if (!allowed) return;
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [allowed, load]);

  const apply = (event: React.FormEvent) => {
    event.preventDefault();
    const next: PeriodQuery = { periodFrom: from.trim(), periodTo: to.trim() };
    if (moderator && mentor) next.scope = scope;
    route.navigate(hashFor(next), { replace: true });
  };

  const lastTwelveMonths = () => {
    route.navigate(hashFor(moderator && mentor ? { scope } : {}), { replace: true });
  };

  if (!allowed) {
    return (
      <PageLayout title={t("stats.title")} page="stats">
        <EmptyState title={t("stats.forbiddenTitle")}>{t("stats.forbidden")}</EmptyState>
      </PageLayout>
    );
  }

  const inline = problem instanceof ApiProblem ? problemFields(problem) : [];

  return (
    <PageLayout title={t("stats.title")} page="stats">
      <div className={styles.root}>
        <form className={styles.form} onSubmit={apply} aria-label={t("stats.periodForm")} noValidate>
          <FormField name="periodFrom" label={t("stats.from")} problem={problem} className={styles.dateField}>
            <Input type="date" value={from} onChange={(_, data) => setFrom(data.value)} />
          </FormField>
          <FormField name="periodTo" label={t("stats.to")} problem={problem} className={styles.dateField}>
            <Input type="date" value={to} onChange={(_, data) => setTo(data.value)} />
          </FormField>
          {moderator && mentor ? (
            <Field label={t("stats.scope")}>
              <Select value={scope} onChange={(_, data) => setScope(data.value as StatsScope)}>
                <option value="platform">{t("stats.scope.platform")}</option>
                <option value="mine">{t("stats.scope.mine")}</option>
              </Select>
            </Field>
          ) : null}
          <div className={styles.buttons}>
            <Button type="submit" appearance="primary" disabled={loading}>
              {t("stats.apply")}
            </Button>
            <Button type="button" onClick={lastTwelveMonths} disabled={loading}>
              {t("stats.lastTwelveMonths")}
            </Button>
          </div>
          {report ? (
            <Caption1 className={styles.periodNote} aria-live="polite">
              {t(report.scope === "platform" ? "stats.showingPlatform" : "stats.showingMine", {
                from: formatDay(report.period.from, locale),
                to: formatDay(report.period.to, locale),
                timeZone: report.period.timeZone,
              })}
            </Caption1>
          ) : null}
        </form>
        {problem ? (
          <ProblemBanner
            problem={problem}
            fieldsShownInline={inline}
            onRetry={problem instanceof ApiProblem && problem.status === 422 ? undefined : () => void load()}
          />
        ) : null}
        {report === null && loading ? <Loading /> : null}
        {report ? (
          <>
            {report.scope === "mine" ? <Body1>{t("stats.mineIntro")}</Body1> : null}
            {report.sections.map((section) => (
              <Section key={section.name} section={section} query={query} />
            ))}
            <Text size={200} className={styles.periodNote}>
              {t("stats.privacyNote")}
            </Text>
          </>
        ) : null}
      </div>
    </PageLayout>
  );
}
