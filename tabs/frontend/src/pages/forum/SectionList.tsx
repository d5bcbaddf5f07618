// The forum's sections: the section for public cases first, then one per rubric.
import { Body1, Caption1, Link } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { useForumStyles } from "./common";
import type { SectionList as SectionListData } from "./types";

export function SectionList() {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const styles = useForumStyles();
  const [data, setData] = useState<SectionListData | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<SectionListData>("/forum/sections", { signal })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  if (problem) return <ProblemBanner problem={problem} onRetry={() => load()} />;
  if (!data) return <Loading />;

  return (
    <section className={styles.stack} aria-labelledby="forum-sections-heading">
      <h2 id="forum-sections-heading" className={styles.heading}>
        {t("forum.sections")}
      </h2>
      <ul className={styles.list}>
        {data.items.map((section) => (
          <li key={section.key} className={styles.card}>
            <h3 className={styles.cardTitle}>
              <Link href={`#/sections/${encodeURIComponent(section.key)}`}>{section.title}</Link>
            </h3>
            {section.description ? <Body1>{section.description}</Body1> : null}
            <Caption1 className={styles.meta}>
              <span>{t("forum.topicCount", { count: section.topicCount })}</span>
              <span>
                {section.lastActivityAt ? (
                  <>
                    {t("forum.lastActivity")}{" "}
                    <time dateTime={section.lastActivityAt} title={format.dateTime(section.lastActivityAt)}>
                      {format.relative(section.lastActivityAt)}
                    </time>
                  </>
                ) : (
                  t("forum.noActivity")
                )}
              </span>
            </Caption1>
          </li>
        ))}
      </ul>
    </section>
  );
}
