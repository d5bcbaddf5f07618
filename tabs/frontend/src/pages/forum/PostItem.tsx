// One post: author, time, text as paragraphs, and the author's "Edit" (inline
// form) and a moderator's "Hide"/"Show" buttons.
import { Button, Caption1, Textarea, mergeClasses } from "@fluentui/react-components";
import { EditRegular, EyeOffRegular, EyeRegular, SaveRegular } from "@fluentui/react-icons";
import { type FormEvent, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { FormField, problemFields } from "../../ui/FormField";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { Paragraphs } from "../news/Paragraphs";
import { CharacterCount, HiddenBadge, textLength, useAuthorLabel, useForumStyles } from "./common";
import { POST_LIMIT, type Post } from "./types";

export interface PostItemProps {
  post: Post;
  /** The topic's section, which decides whether authors are named. */
  sectionKey: string;
  moderator: boolean;
  onChange(post: Post): void;
}

export function PostItem({ post, sectionKey, moderator, onChange }: PostItemProps) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const styles = useForumStyles();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(post.body);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const headingId = `post-${post.id}-author`;
  const author = useAuthorLabel(sectionKey)(post);

  const run = async (action: () => Promise<Post>) => {
    setBusy(true);
    setProblem(null);
    try {
      onChange(await action());
      return true;
    } catch (error) {
      setProblem(error as Error);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.put<Post>(`/forum/posts/${post.id}`, { body: draft }))) setEditing(false);
  };

  const toggleHidden = () =>
    run(() => api.post<Post>(`/forum/posts/${post.id}/${post.hidden ? "unhide" : "hide"}`));

  return (
    <li>
      <article
        className={mergeClasses(styles.card, post.hidden && styles.hiddenCard)}
        aria-labelledby={headingId}
        data-post-id={post.id}
      >
        <div className={styles.meta}>
          <h3 id={headingId} className={styles.cardTitle} style={{ fontSize: "inherit" }}>
            {author}
          </h3>
          <Caption1>
            <time dateTime={post.createdAt}>{format.dateTime(post.createdAt)}</time>
            {post.editedAt ? ` · ${t("forum.edited")}` : null}
          </Caption1>
          {post.hidden ? <HiddenBadge /> : null}
        </div>
        {problem ? (
          <ProblemBanner
            problem={problem}
            fieldsShownInline={editing ? problemFields(problem) : []}
            onDismiss={() => setProblem(null)}
          />
        ) : null}
        {editing ? (
          <form className={styles.form} onSubmit={save} noValidate>
            <div className={styles.fieldGroup}>
              <FormField name="body" label={t("forum.editPost")} problem={problem}>
                <Textarea
                  value={draft}
                  onChange={(_, data) => setDraft(data.value)}
                  resize="vertical"
                  rows={6}
                  aria-describedby={`post-${post.id}-count`}
                />
              </FormField>
              <CharacterCount id={`post-${post.id}-count`} length={textLength(draft)} limit={POST_LIMIT} />
            </div>
            <div className={styles.toolbar}>
              <Button appearance="primary" type="submit" icon={<SaveRegular />} disabled={busy}>
                {t("forum.save")}
              </Button>
              <Button
                disabled={busy}
                onClick={() => {
                  setEditing(false);
                  setDraft(post.body);
                  setProblem(null);
                }}
              >
                {t("forum.cancel")}
              </Button>
            </div>
          </form>
        ) : (
          <Paragraphs text={post.body} />
        )}
        {!editing && (post.canEdit || moderator) ? (
          <div className={styles.toolbar}>
            {post.canEdit ? (
              <Button
                size="small"
                icon={<EditRegular />}
                onClick={() => {
                  setDraft(post.body);
                  setEditing(true);
                }}
              >
                {t("forum.edit")}
              </Button>
            ) : null}
            {moderator ? (
              <Button
                size="small"
                icon={post.hidden ? <EyeRegular /> : <EyeOffRegular />}
                disabled={busy}
                onClick={toggleHidden}
                aria-label={t(post.hidden ? "forum.unhidePostOf" : "forum.hidePostOf", { author })}
              >
                {post.hidden ? t("forum.unhide") : t("forum.hide")}
              </Button>
            ) : null}
          </div>
        ) : null}
      </article>
    </li>
  );
}
