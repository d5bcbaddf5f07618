// One news item in full; moderators also get "Edit" and "Unpublish"/"Publish again".
import { Button, Caption1 } from "@fluentui/react-components";
import { ArrowLeftRegular, EditRegular, EyeOffRegular, EyeRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { UnpublishedBadge } from "./NewsListView";
import { Paragraphs } from "./Paragraphs";
import { useNewsStyles } from "./styles";
import type { NewsItem } from "./types";

export function NewsItemView({ newsId, moderator }: { newsId: number; moderator: boolean }) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const route = useRoute();
  const styles = useNewsStyles();
  const [item, setItem] = useState<NewsItem | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<NewsItem>(`/news/${newsId}`, { signal })
        .then(setItem)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, newsId],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const setStatus = async (action: "publish" | "unpublish") => {
    setBusy(true);
    setProblem(null);
    try {
      setItem(await api.post<NewsItem>(`/news/${newsId}/${action}`));
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <Button className={styles.back} appearance="subtle" icon={<ArrowLeftRegular />} onClick={() => route.navigate("/")}>
      {t("news.back")}
    </Button>
  );

  if (!item) {
    return (
      <div className={styles.stack}>
        {back}
        {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : <Loading />}
      </div>
    );
  }

  return (
    <div className={styles.stack}>
      {back}
      <article className={`${styles.stack} ${styles.article}`} aria-labelledby="news-item-title">
        <h2 id="news-item-title" className={styles.heading}>
          {item.title}
        </h2>
        <Caption1 className={styles.meta}>
          <time dateTime={item.publishedAt}>{format.date(item.publishedAt)}</time>
          {item.authorName ? <span>{item.authorName}</span> : null}
          {item.updatedAt ? <span>{t("news.updated", { date: format.dateTime(item.updatedAt) })}</span> : null}
          {item.status === "unpublished" ? <UnpublishedBadge /> : null}
        </Caption1>
        {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
        {moderator ? (
          <div className={styles.toolbar}>
            <Button icon={<EditRegular />} onClick={() => route.navigate(`/items/${item.id}/edit`)}>
              {t("news.edit")}
            </Button>
            {item.status === "published" ? (
              <Button icon={<EyeOffRegular />} disabled={busy} onClick={() => setStatus("unpublish")}>
                {t("news.unpublish")}
              </Button>
            ) : (
              <Button icon={<EyeRegular />} disabled={busy} onClick={() => setStatus("publish")}>
                {t("news.publishAgain")}
              </Button>
            )}
          </div>
        ) : null}
        <Paragraphs text={item.body} />
      </article>
    </div>
  );
}
