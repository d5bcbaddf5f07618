// A topic: its posts, oldest first and paged, the reply form (unless the
// topic is locked) and, for moderators, the moderation controls.
import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  Textarea,
  mergeClasses,
} from "@fluentui/react-components";
import { SendRegular } from "@fluentui/react-icons";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import {
  CharacterCount,
  Crumbs,
  HiddenBadge,
  LockedBadge,
  textLength,
  useAuthorLabel,
  useForumStyles,
} from "./common";
import { ModeratorBar } from "./ModeratorBar";
import { PostItem } from "./PostItem";
import { POST_LIMIT, type Post, type Topic, type TopicPage } from "./types";

const PAGE_SIZE = 20;

export function TopicThread({ topicId }: { topicId: number }) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const route = useRoute();
  const session = useSession();
  const styles = useForumStyles();
  const moderator = session.hasRole("moderator");
  const offset = Math.max(0, Number(route.params.get("offset")) || 0);
  const [data, setData] = useState<TopicPage | null>(null);
  const authorLabel = useAuthorLabel(data?.topic.sectionKey ?? "");
  const [loadProblem, setLoadProblem] = useState<ApiProblem | Error | null>(null);
  const [reply, setReply] = useState("");
  const [busy, setBusy] = useState(false);
  const [replyProblem, setReplyProblem] = useState<ApiProblem | Error | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setLoadProblem(null);
      api
        .get<TopicPage>(`/forum/topics/${topicId}`, { query: { offset, limit: PAGE_SIZE }, signal })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setLoadProblem(error as Error);
        });
    },
    [api, topicId, offset],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const replacePost = (post: Post) =>
    setData((current) =>
      current ? { ...current, items: current.items.map((item) => (item.id === post.id ? post : item)) } : current,
    );
  const replaceTopic = (topic: Topic) => setData((current) => (current ? { ...current, topic } : current));

  const sendReply = async (event: FormEvent) => {
    event.preventDefault();
    if (!data) return;
    setBusy(true);
    setReplyProblem(null);
    try {
      await api.post<Post>(`/forum/topics/${topicId}/posts`, { body: reply });
      setReply("");
      // Go to the last page, which now contains the new post.
      const lastOffset = Math.floor(data.total / PAGE_SIZE) * PAGE_SIZE;
      if (lastOffset === offset) load();
      else route.navigate(`/topics/${topicId}?offset=${lastOffset}`);
    } catch (error) {
      setReplyProblem(error as Error);
      // A topic locked meanwhile: show it as locked, keep the typed text.
      load();
    } finally {
      setBusy(false);
    }
  };

  if (loadProblem && !data) {
    return (
      <div className={styles.stack}>
        <Crumbs items={[{ label: t("forum.sections"), href: "#/" }, { label: t("forum.topic") }]} />
        <ProblemBanner problem={loadProblem} onRetry={() => load()} />
      </div>
    );
  }
  if (!data) return <Loading />;
  const { topic } = data;
  const sectionPath = `#/sections/${encodeURIComponent(topic.sectionKey)}`;

  return (
    <div className={styles.stack}>
      <Crumbs
        items={[
          { label: t("forum.sections"), href: "#/" },
          { label: topic.sectionTitle, href: sectionPath },
          { label: topic.title },
        ]}
      />
      <section className={styles.stack} aria-labelledby="forum-topic-heading">
        <div className={styles.stack} style={{ gap: 0 }}>
          <h2 id="forum-topic-heading" className={styles.heading}>
            {topic.title}
          </h2>
          <Caption1 className={styles.meta}>
            <span>{t("forum.startedBy", { author: authorLabel(topic) })}</span>
            <time dateTime={topic.createdAt}>{format.dateTime(topic.createdAt)}</time>
            <span>{t("forum.postCount", { count: topic.postCount })}</span>
            {topic.locked ? <LockedBadge /> : null}
            {topic.hidden ? <HiddenBadge /> : null}
          </Caption1>
        </div>
        {moderator ? <ModeratorBar topic={topic} onChange={replaceTopic} /> : null}
        {loadProblem ? <ProblemBanner problem={loadProblem} onRetry={() => load()} /> : null}
        {data.items.length === 0 ? <Body1>{t("forum.noPosts")}</Body1> : null}
        <ul className={styles.list} aria-label={t("forum.posts")}>
          {data.items.map((post) => (
            <PostItem
              key={post.id}
              post={post}
              sectionKey={topic.sectionKey}
              moderator={moderator}
              onChange={replacePost}
            />
          ))}
        </ul>
        <Paging
          offset={offset}
          limit={PAGE_SIZE}
          total={data.total}
          onChange={(next) => route.navigate(`/topics/${topicId}?offset=${next}`)}
        />
      </section>
      {topic.canReply ? (
        <section aria-labelledby="forum-reply-heading" className={mergeClasses(styles.stack, styles.replySection)}>
          <h2 id="forum-reply-heading" className={styles.heading}>
            {t("forum.reply")}
          </h2>
          <form className={styles.form} onSubmit={sendReply} noValidate>
            {replyProblem ? (
              <ProblemBanner problem={replyProblem} fieldsShownInline={problemFields(replyProblem)} />
            ) : null}
            <div className={styles.fieldGroup}>
              <FormField name="body" label={t("forum.yourReply")} hint={t("forum.plainTextHint")} problem={replyProblem}>
                <Textarea
                  value={reply}
                  onChange={(_, value) => setReply(value.value)}
                  resize="vertical"
                  rows={5}
                  aria-describedby="forum-reply-count"
                />
              </FormField>
              <CharacterCount id="forum-reply-count" length={textLength(reply)} limit={POST_LIMIT} />
            </div>
            <div className={styles.toolbar}>
              <Button appearance="primary" type="submit" icon={<SendRegular />} disabled={busy}>
                {busy ? t("forum.publishing") : t("forum.sendReply")}
              </Button>
            </div>
          </form>
        </section>
      ) : (
        <>
          {replyProblem ? <ProblemBanner problem={replyProblem} onDismiss={() => setReplyProblem(null)} /> : null}
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>{t("forum.lockedNotice")}</MessageBarBody>
          </MessageBar>
          {reply ? (
            <FormField name="body" label={t("forum.unsentReply")}>
              <Textarea value={reply} onChange={(_, value) => setReply(value.value)} resize="vertical" rows={4} />
            </FormField>
          ) : null}
        </>
      )}
    </div>
  );
}
