// The topics of one section, most recently active first, with paging and
// the "New topic" button.
import { Button, Caption1, Link, mergeClasses } from "@fluentui/react-components";
import { AddRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { EmptyState } from "../../ui/EmptyState";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { Crumbs, HiddenBadge, LockedBadge, useAuthorLabel, useForumStyles } from "./common";
import type { TopicList as TopicListData } from "./types";

const PAGE_SIZE = 20;

export function TopicList({ sectionKey }: { sectionKey: string }) {
  const t = useT();
  const authorLabel = useAuthorLabel(sectionKey);
  const api = useApi();
  const format = useFormat();
  const route = useRoute();
  const styles = useForumStyles();
  const offset = Math.max(0, Number(route.params.get("offset")) || 0);
  const [data, setData] = useState<TopicListData | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const sectionPath = `/sections/${encodeURIComponent(sectionKey)}`;

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<TopicListData>(`/forum${sectionPath}/topics`, {
          query: { offset, limit: PAGE_SIZE },
          signal,
        })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, sectionPath, offset],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const newTopic = (
    <Button appearance="primary" icon={<AddRegular />} onClick={() => route.navigate(`${sectionPath}/new`)}>
      {t("forum.newTopic")}
    </Button>
  );

  return (
    <div className={styles.stack}>
      <Crumbs items={[{ label: t("forum.sections"), href: "#/" }, { label: data?.section.title ?? "…" }]} />
      {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : null}
      {!data && !problem ? <Loading /> : null}
      {data ? (
        <section className={styles.stack} aria-labelledby="forum-section-heading">
          <div className={styles.toolbar}>
            <h2 id="forum-section-heading" className={styles.heading} style={{ flexGrow: 1 }}>
              {data.section.title}
            </h2>
            {newTopic}
          </div>
          {data.section.description ? <Caption1>{data.section.description}</Caption1> : null}
          {data.items.length === 0 ? (
            <EmptyState title={t("forum.noTopics")}>{t("forum.noTopicsHint")}</EmptyState>
          ) : (
            <ul className={styles.list}>
              {data.items.map((topic) => (
                <li key={topic.id} className={mergeClasses(styles.card, topic.hidden && styles.hiddenCard)}>
                  <h3 className={styles.cardTitle}>
                    <Link href={`#/topics/${topic.id}`}>{topic.title}</Link>
                  </h3>
                  <Caption1 className={styles.meta}>
                    <span>{authorLabel(topic)}</span>
                    <span>{t("forum.postCount", { count: topic.postCount })}</span>
                    <span>
                      {t("forum.lastPost")}{" "}
                      <time dateTime={topic.lastPostAt} title={format.dateTime(topic.lastPostAt)}>
                        {format.relative(topic.lastPostAt)}
                      </time>
                    </span>
                    {topic.locked ? <LockedBadge /> : null}
                    {topic.hidden ? <HiddenBadge /> : null}
                  </Caption1>
                </li>
              ))}
            </ul>
          )}
          <Paging
            offset={offset}
            limit={PAGE_SIZE}
            total={data.total}
            onChange={(next) => route.navigate(`${sectionPath}?offset=${next}`)}
          />
        </section>
      ) : null}
    </div>
  );
}
