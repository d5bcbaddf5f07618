// The list of mentors with filters by area of advice and availability. The
// filters and the page live in the hash ("#/?rubric=parents&offset=20"), so
// going back from a profile returns to the same list.
import { Body1, Caption1, Card, Field, Link, Select, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { EmptyState } from "../../ui/EmptyState";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { AreaList, AvailabilityBadge, MentorAvatar, rememberListPath } from "./common";
import type { MentorList as MentorListData, MentorOptions } from "./types";

const PAGE_SIZE = 12;
const AVAILABILITY = ["available", "away", "full"] as const;

const useStyles = makeStyles({
  filters: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalL,
    marginBottom: tokens.spacingVerticalM,
  },
  filter: { minWidth: "14em", maxWidth: "100%" },
  count: { display: "block", marginBottom: tokens.spacingVerticalS, color: tokens.colorNeutralForeground2 },
  grid: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 20em), 1fr))",
    gap: tokens.spacingHorizontalM,
    listStyleType: "none",
    margin: 0,
    padding: 0,
  },
  card: { height: "100%", boxSizing: "border-box" },
  header: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "flex-start" },
  heading: { margin: 0, overflowWrap: "anywhere" },
  details: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS, minWidth: 0 },
  subtle: { color: tokens.colorNeutralForeground2 },
});

export function MentorList({ options }: { options: MentorOptions | null }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useStyles();
  const rubric = route.params.get("rubric") ?? "";
  const availability = route.params.get("availability") ?? "";
  const offset = Math.max(0, Number(route.params.get("offset")) || 0);
  const [data, setData] = useState<MentorListData | null>(null);
  const query = route.params.toString();
  useEffect(() => rememberListPath(query ? `/?${query}` : "/"), [query]);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const setFilters = (changes: Record<string, string | number>) => {
    const params = new URLSearchParams({ rubric, availability, offset: String(offset) });
    for (const [name, value] of Object.entries(changes)) params.set(name, String(value));
    for (const name of [...params.keys()]) {
      if (!params.get(name) || params.get(name) === "0") params.delete(name);
    }
    const encoded = params.toString();
    route.navigate(encoded ? `/?${encoded}` : "/", { replace: true });
  };

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<MentorListData>("/mentors", { query: { rubric, availability, offset, limit: PAGE_SIZE }, signal })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, rubric, availability, offset],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <section aria-label={t("mentors.title")}>
      <div className={styles.filters} role="search" aria-label={t("mentors.filters")}>
        <Field label={t("mentors.filter.rubric")}>
          <Select
            className={styles.filter}
            value={rubric}
            onChange={(_, value) => setFilters({ rubric: value.value, offset: 0 })}
          >
            <option value="">{t("mentors.filter.allRubrics")}</option>
            {(options?.rubrics ?? []).map((item) => (
              <option key={item.key} value={item.key}>
                {item.title}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("mentors.filter.availability")}>
          <Select
            className={styles.filter}
            value={availability}
            onChange={(_, value) => setFilters({ availability: value.value, offset: 0 })}
          >
            <option value="">{t("mentors.filter.anyAvailability")}</option>
            {AVAILABILITY.map((value) => (
              <option key={value} value={value}>
                {t(`mentors.availability.${value}`)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : null}
      {!data && !problem ? <Loading /> : null}
      {data ? (
        <Caption1 className={styles.count} aria-live="polite">
          {t("mentors.count", { count: data.total })}
        </Caption1>
      ) : null}
      {data && data.items.length === 0 ? <EmptyState title={t("mentors.empty")} /> : null}
      {data && data.items.length > 0 ? (
        <ul className={styles.grid}>
          {data.items.map((mentor) => (
            <li key={mentor.id}>
              <Card className={styles.card}>
                <div className={styles.header}>
                  <MentorAvatar mentor={mentor} size={64} />
                  <div className={styles.details}>
                    <Subtitle2 as="h2" className={styles.heading}>
                      <Link href={`#/mentors/${mentor.id}`}>{mentor.fullName}</Link>
                    </Subtitle2>
                    {mentor.position ? <Body1>{mentor.position}</Body1> : null}
                    {mentor.workplace.line ? <Caption1 className={styles.subtle}>{mentor.workplace.line}</Caption1> : null}
                    <div>
                      <AvailabilityBadge mentor={mentor} />
                    </div>
                  </div>
                </div>
                {mentor.areas.length > 0 ? <AreaList areas={mentor.areas} label={t("mentors.section.areas")} /> : null}
              </Card>
            </li>
          ))}
        </ul>
      ) : null}
      {data ? (
        <Paging offset={offset} limit={PAGE_SIZE} total={data.total} onChange={(next) => setFilters({ offset: next })} />
      ) : null}
    </section>
  );
}
