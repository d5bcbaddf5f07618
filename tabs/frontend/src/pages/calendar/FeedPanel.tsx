// The personal subscription feed: a secret URL that calendar apps poll.
// The server keeps only a hash, so the URL is shown once, right after it is made.
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowSyncRegular, CopyRegular, DeleteRegular, LinkRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import type { FeedState } from "./types";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    maxWidth: "48em",
  },
  heading: { margin: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  url: { width: "100%" },
});

export function FeedPanel() {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const styles = useStyles();
  const [state, setState] = useState<FeedState | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    api
      .get<FeedState>("/calendar/feed")
      .then(setState)
      .catch((error: ApiProblem) => setProblem(error));
  }, [api]);

  const act = async (action: () => Promise<FeedState>) => {
    setBusy(true);
    setProblem(null);
    setCopied(false);
    try {
      setState(await action());
    } catch (error) {
      setProblem(error as ApiProblem);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!state?.url) return;
    try {
      await navigator.clipboard.writeText(state.url);
      setCopied(true);
    } catch {
      // Clipboard access can be blocked in a frame; the field stays selectable.
      setCopied(false);
    }
  };

  return (
    <section className={styles.root} aria-labelledby="feed-heading">
      <Subtitle2 as="h2" id="feed-heading" className={styles.heading}>
        {t("calendar.feed.title")}
      </Subtitle2>
      <Body1>{t("calendar.feed.intro")}</Body1>
      {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
      {!state && !problem ? <Loading /> : null}
      {state ? (
        <>
          <Body1 aria-live="polite">
            {state.active && state.createdAt
              ? t("calendar.feed.active", { date: format.dateTime(state.createdAt) })
              : t("calendar.feed.inactive")}
          </Body1>
          {state.url ? (
            <>
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>{t("calendar.feed.showOnce")}</MessageBarBody>
              </MessageBar>
              <Field label={t("calendar.feed.url")}>
                <Input
                  className={styles.url}
                  readOnly
                  value={state.url}
                  onFocus={(event) => event.currentTarget.select()}
                  data-testid="feed-url"
                />
              </Field>
              <div className={styles.actions}>
                <Button icon={<CopyRegular />} onClick={() => void copy()}>
                  {copied ? t("calendar.feed.copied") : t("calendar.feed.copy")}
                </Button>
                {state.webcalUrl ? (
                  <Button as="a" href={state.webcalUrl} icon={<LinkRegular />}>
                    {t("calendar.feed.openInApp")}
                  </Button>
                ) : null}
              </div>
            </>
          ) : null}
          <div className={styles.actions}>
            <Button
              appearance="primary"
              icon={state.active ? <ArrowSyncRegular /> : <LinkRegular />}
              disabled={busy}
              onClick={() => void act(() => api.post<FeedState>("/calendar/feed"))}
            >
              {state.active ? t("calendar.feed.rotate") : t("calendar.feed.create")}
            </Button>
            {state.active ? (
              <Button
                icon={<DeleteRegular />}
                disabled={busy}
                onClick={() => void act(() => api.del<FeedState>("/calendar/feed"))}
              >
                {t("calendar.feed.revoke")}
              </Button>
            ) : null}
          </div>
          {state.active ? <Caption1>{t("calendar.feed.rotateHint")}</Caption1> : null}
        </>
      ) : null}
    </section>
  );
}
