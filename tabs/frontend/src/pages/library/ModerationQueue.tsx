// Drafts of solved cases waiting for a moderator, oldest first. A draft's
// page offers approval, rejection and editing.
import { Body1, Caption1, Link } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { EmptyState } from "../../ui/EmptyState";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { RubricTags, useLibraryStyles } from "./common";
import type { EntryPage } from "./types";

const PAGE_SIZE = 10;

export function ModerationQueue() {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useLibraryStyles();
  const offset = Math.max(0, Number(route.params.get("offset")) || 0);
  const [data, setData] = useState<EntryPage | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<EntryPage>("/library/moderation", { query: { offset, limit: PAGE_SIZE }, signal })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, offset],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <section className={styles.stack} aria-labelledby="library-queue-heading">
      <h2 id="library-queue-heading" className={styles.heading}>
        {t("library.queue")}
      </h2>
      <Body1>{t("library.queueHint")}</Body1>
      {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : null}
      {!data && !problem ? <Loading /> : null}
      {data ? (
        <>
          <Caption1 aria-live="polite">{t("library.draftCount", { count: data.total })}</Caption1>
          {data.items.length === 0 ? (
            <EmptyState title={t("library.queueEmpty")} />
          ) : (
            <ul className={styles.list}>
              {data.items.map((item) => (
                <li key={item.id} className={styles.card}>
                  <h3 className={styles.cardTitle} lang={item.language}>
                    <Link href={`#/entries/${item.id}`}>{item.title}</Link>
                  </h3>
                  <Caption1 className={styles.meta}>
                    <span>{t("library.draftNumber", { id: item.id })}</span>
                    <span>{t(`library.language.${item.language}`)}</span>
                  </Caption1>
                  <RubricTags rubrics={item.rubrics} label={t("library.rubricsOf", { title: item.title })} />
                </li>
              ))}
            </ul>
          )}
          <Paging
            offset={offset}
            limit={PAGE_SIZE}
            total={data.total}
            onChange={(next) => route.navigate(`/moderation?offset=${next}`)}
          />
        </>
      ) : null}
    </section>
  );
}
