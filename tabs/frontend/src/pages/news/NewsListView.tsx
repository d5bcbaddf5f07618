// The news, newest first: title, date and the first paragraph of each item.
import { Badge, Body1, Caption1, Link } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { EmptyState } from "../../ui/EmptyState";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { splitParagraphs } from "./Paragraphs";
import { useNewsStyles } from "./styles";
import type { NewsItem, NewsList } from "./types";

const PAGE_SIZE = 10;
// Characters of the first paragraph shown in the list.
const EXCERPT_LENGTH = 300;

export function excerpt(body: string): string {
  const first = splitParagraphs(body)[0] ?? "";
  const characters = Array.from(first);
  return characters.length > EXCERPT_LENGTH ? `${characters.slice(0, EXCERPT_LENGTH).join("").trimEnd()}…` : first;
}

export function UnpublishedBadge() {
  const t = useT();
  return (
    <Badge appearance="tint" color="warning">
      {t("news.unpublished")}
    </Badge>
  );
}

function NewsCard({ item }: { item: NewsItem }) {
  const t = useT();
  const format = useFormat();
  const styles = useNewsStyles();
  return (
    <li>
      <article className={styles.card} aria-labelledby={`news-${item.id}-title`}>
        <h2 id={`news-${item.id}-title`} className={styles.cardTitle}>
          <Link href={`#/items/${item.id}`}>{item.title}</Link>
        </h2>
        <Caption1 className={styles.meta}>
          <time dateTime={item.publishedAt}>{format.date(item.publishedAt)}</time>
          {item.authorName ? <span>{item.authorName}</span> : null}
          {item.status === "unpublished" ? <UnpublishedBadge /> : null}
        </Caption1>
        <Body1 as="p" className={styles.excerpt}>
          {excerpt(item.body)}
        </Body1>
        <Link href={`#/items/${item.id}`} aria-label={t("news.readMoreAbout", { title: item.title })}>
          {t("news.readMore")}
        </Link>
      </article>
    </li>
  );
}

export function NewsListView({ moderator }: { moderator: boolean }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useNewsStyles();
  const offset = Math.max(0, Number(route.params.get("offset")) || 0);
  const [data, setData] = useState<NewsList | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<NewsList>("/news", { query: { offset, limit: PAGE_SIZE }, signal })
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

  if (problem) return <ProblemBanner problem={problem} onRetry={() => load()} />;
  if (!data) return <Loading />;
  if (data.total === 0) {
    return <EmptyState title={t("news.empty")}>{moderator ? t("news.emptyModerator") : null}</EmptyState>;
  }
  return (
    <div className={styles.stack}>
      <ul className={styles.list} aria-label={t("news.listLabel")}>
        {data.items.map((item) => (
          <NewsCard key={item.id} item={item} />
        ))}
      </ul>
      <Paging
        offset={offset}
        limit={PAGE_SIZE}
        total={data.total}
        onChange={(next) => route.navigate(`/?offset=${next}`)}
      />
    </div>
  );
}
