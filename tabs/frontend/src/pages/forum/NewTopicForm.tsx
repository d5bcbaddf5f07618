// Open a topic in a section: a title and the first post. On failure the
// form keeps what was typed and shows the server's message by each field.
import { Button, Input, MessageBar, MessageBarBody, Textarea } from "@fluentui/react-components";
import { SendRegular } from "@fluentui/react-icons";
import { type FormEvent, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { FormField, problemFields } from "../../ui/FormField";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CharacterCount, Crumbs, textLength, useForumStyles } from "./common";
import { POST_LIMIT, TITLE_LIMIT, type Topic, type TopicList } from "./types";

export function NewTopicForm({ sectionKey }: { sectionKey: string }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useForumStyles();
  const sectionPath = `/sections/${encodeURIComponent(sectionKey)}`;
  const [sectionTitle, setSectionTitle] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<TopicList>(`/forum${sectionPath}/topics`, { query: { limit: 1 }, signal: controller.signal })
      .then((data) => setSectionTitle(data.section.title))
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as Error);
      });
    return () => controller.abort();
  }, [api, sectionPath]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const topic = await api.post<Topic>(`/forum${sectionPath}/topics`, { title, body });
      route.navigate(`/topics/${topic.id}`);
    } catch (error) {
      setProblem(error as Error);
      setBusy(false);
    }
  };

  return (
    <div className={styles.stack}>
      <Crumbs
        items={[
          { label: t("forum.sections"), href: "#/" },
          { label: sectionTitle ?? "…", href: `#${sectionPath}` },
          { label: t("forum.newTopic") },
        ]}
      />
      <h2 className={styles.heading}>{t("forum.newTopicIn", { section: sectionTitle ?? "…" })}</h2>
      <form className={styles.form} onSubmit={submit} noValidate>
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{t("forum.visibilityNotice")}</MessageBarBody>
        </MessageBar>
        {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
        <div className={styles.fieldGroup}>
          <FormField name="title" label={t("forum.topicTitle")} required problem={problem}>
            <Input value={title} onChange={(_, data) => setTitle(data.value)} aria-describedby="forum-title-count" />
          </FormField>
          <CharacterCount id="forum-title-count" length={textLength(title)} limit={TITLE_LIMIT} />
        </div>
        <div className={styles.fieldGroup}>
          <FormField name="body" label={t("forum.firstPost")} hint={t("forum.plainTextHint")} required problem={problem}>
            <Textarea
              value={body}
              onChange={(_, data) => setBody(data.value)}
              resize="vertical"
              rows={8}
              aria-describedby="forum-body-count"
            />
          </FormField>
          <CharacterCount id="forum-body-count" length={textLength(body)} limit={POST_LIMIT} />
        </div>
        <div className={styles.toolbar}>
          <Button appearance="primary" type="submit" icon={<SendRegular />} disabled={busy}>
            {busy ? t("forum.publishing") : t("forum.publishTopic")}
          </Button>
          <Button onClick={() => route.navigate(sectionPath)} disabled={busy}>
            {t("forum.cancel")}
          </Button>
        </div>
      </form>
    </div>
  );
}
