// A moderator writes or edits a news item: title and plain-text body, with
// a preview of the paragraphs. On failure the form keeps what was typed.
import { Button, Caption1, Input, Subtitle2, Textarea, mergeClasses } from "@fluentui/react-components";
import { SaveRegular, SendRegular } from "@fluentui/react-icons";
import { type FormEvent, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { Paragraphs } from "./Paragraphs";
import { useNewsStyles } from "./styles";
import { BODY_LIMIT, type NewsItem, TITLE_LIMIT } from "./types";

function textLength(text: string): number {
  return Array.from(text.trim().normalize("NFC")).length;
}

function Counter({ id, length, limit }: { id: string; length: number; limit: number }) {
  const t = useT();
  const format = useFormat();
  const styles = useNewsStyles();
  return (
    <Caption1 id={id} className={length > limit ? styles.counterOver : styles.counter}>
      {t("news.characters", { length: format.number(length), limit: format.number(limit) })}
    </Caption1>
  );
}

export function NewsEditor({ newsId }: { newsId?: number }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useNewsStyles();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [loaded, setLoaded] = useState(newsId === undefined);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  useEffect(() => {
    if (newsId === undefined) return;
    const controller = new AbortController();
    api
      .get<NewsItem>(`/news/${newsId}`, { signal: controller.signal })
      .then((item) => {
        setTitle(item.title);
        setBody(item.body);
        setLoaded(true);
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as Error);
      });
    return () => controller.abort();
  }, [api, newsId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const item =
        newsId === undefined
          ? await api.post<NewsItem>("/news", { title, body })
          : await api.put<NewsItem>(`/news/${newsId}`, { title, body });
      route.navigate(`/items/${item.id}`);
    } catch (error) {
      setProblem(error as Error);
      setBusy(false);
    }
  };

  const cancel = () => route.navigate(newsId === undefined ? "/" : `/items/${newsId}`);

  if (!loaded) {
    return problem ? <ProblemBanner problem={problem} /> : <Loading />;
  }

  return (
    <div className={styles.stack}>
      <h2 className={styles.heading}>{newsId === undefined ? t("news.createHeading") : t("news.editHeading")}</h2>
      <form className={styles.form} onSubmit={submit} noValidate>
        {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
        <div className={styles.fieldGroup}>
          <FormField name="title" label={t("news.titleField")} required problem={problem}>
            <Input value={title} onChange={(_, data) => setTitle(data.value)} aria-describedby="news-title-count" />
          </FormField>
          <Counter id="news-title-count" length={textLength(title)} limit={TITLE_LIMIT} />
        </div>
        <div className={styles.fieldGroup}>
          <FormField name="body" label={t("news.bodyField")} hint={t("news.bodyHint")} required problem={problem}>
            <Textarea
              value={body}
              onChange={(_, data) => setBody(data.value)}
              resize="vertical"
              rows={12}
              aria-describedby="news-body-count"
            />
          </FormField>
          <Counter id="news-body-count" length={textLength(body)} limit={BODY_LIMIT} />
        </div>
        <div className={styles.toolbar}>
          <Button
            appearance="primary"
            type="submit"
            icon={newsId === undefined ? <SendRegular /> : <SaveRegular />}
            disabled={busy}
          >
            {newsId === undefined ? t("news.publish") : t("news.save")}
          </Button>
          <Button onClick={cancel} disabled={busy}>
            {t("news.cancel")}
          </Button>
        </div>
      </form>
      {body.trim() ? (
        <section className={mergeClasses(styles.card, styles.article)} aria-labelledby="news-preview-heading">
          <Subtitle2 as="h3" id="news-preview-heading" className={styles.heading}>
            {t("news.preview")}
          </Subtitle2>
          <Paragraphs text={body} />
        </section>
      ) : null}
    </div>
  );
}
