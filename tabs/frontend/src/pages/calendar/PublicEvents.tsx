// Upcoming public events, soonest first, with rubric and format filters.
import { Field, Select, makeStyles, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { EmptyState } from "../../ui/EmptyState";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { EventCard } from "./EventCard";
import type { EventList, Rubric } from "./types";

const PAGE_SIZE = 10;

const useStyles = makeStyles({
  filters: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalL,
    marginBottom: tokens.spacingVerticalM,
  },
  filter: { minWidth: "12em", maxWidth: "100%" },
  list: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  heading: { position: "absolute", left: "-10000px", width: "1px", height: "1px", overflow: "hidden" },
});

export function PublicEvents({ rubrics }: { rubrics: Rubric[] }) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const [rubric, setRubric] = useState("");
  const [kind, setKind] = useState("");
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<EventList | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<EventList>("/events", { query: { rubric, kind, offset, limit: PAGE_SIZE }, signal })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, rubric, kind, offset],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <section aria-labelledby="public-events-heading">
      <h2 id="public-events-heading" className={styles.heading}>
        {t("calendar.tab.public")}
      </h2>
      <div className={styles.filters} role="search" aria-label={t("calendar.filters")}>
        <Field label={t("calendar.filter.rubric")}>
          <Select
            className={styles.filter}
            value={rubric}
            onChange={(_, value) => {
              setRubric(value.value);
              setOffset(0);
            }}
          >
            <option value="">{t("calendar.filter.allRubrics")}</option>
            {rubrics.map((item) => (
              <option key={item.key} value={item.key}>
                {item.title}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("calendar.filter.kind")}>
          <Select
            className={styles.filter}
            value={kind}
            onChange={(_, value) => {
              setKind(value.value);
              setOffset(0);
            }}
          >
            <option value="">{t("calendar.filter.allKinds")}</option>
            <option value="online">{t("calendar.kind.online")}</option>
            <option value="offline">{t("calendar.kind.offline")}</option>
          </Select>
        </Field>
      </div>
      {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : null}
      {!data && !problem ? <Loading /> : null}
      {data && data.items.length === 0 ? <EmptyState title={t("calendar.public.empty")} /> : null}
      {data && data.items.length > 0 ? (
        <div className={styles.list}>
          {data.items.map((event) => (
            <EventCard key={event.id} event={event} />
          ))}
        </div>
      ) : null}
      {data ? <Paging offset={offset} limit={PAGE_SIZE} total={data.total} onChange={setOffset} /> : null}
    </section>
  );
}
