// The history of a case: who did what and when, as the viewer may see it.
import { Button, Caption1, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT, type Translate } from "../../i18n";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { Section, useCommonStyles } from "./common";
import type { HistoryItem, ListPage } from "./types";

const useStyles = makeStyles({
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  raw: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusSmall,
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
  },
});

// Event kinds the page has words for; any other kind is shown by its name.
const KNOWN_KINDS = new Set([
  "submitted",
  "close_by_library",
  "find_mentor",
  "pick_mentor",
  "accept",
  "decline",
  "moderator_assign",
  "ask_questions",
  "answer_questions",
  "keep_version",
  "redefine",
  "write_solution",
  "complete",
  "second_opinion",
  "withdraw",
  "library_draft_prepared",
  "published",
  "publication_rejected",
]);

function describe(t: Translate, item: HistoryItem): string {
  const what = KNOWN_KINDS.has(item.kind) ? t(`my.event.${item.kind}`) : item.kind;
  const details: string[] = [];
  if (item.details.mentorName) details.push(item.details.mentorName);
  if (item.details.revision) details.push(t("my.revisions.number", { number: item.details.revision }));
  if (item.details.questionCount) details.push(t("my.history.questions", { count: item.details.questionCount }));
  if (item.details.usefulness) details.push(t("my.reflection.rating", { rating: item.details.usefulness }));
  if (item.details.reason) details.push(`${t("my.field.declineReason")}: ${item.details.reason}`);
  return details.length > 0 ? `${what}: ${details.join(", ")}` : what;
}

function actorText(t: Translate, item: HistoryItem): string {
  const role = t(`my.actor.${item.actor}`);
  return item.actorName ? `${role} ${item.actorName}` : role;
}

export function CaseHistory({ caseId, version }: { caseId: number; version: number }) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const styles = useStyles();
  const common = useCommonStyles();
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [showContent, setShowContent] = useState(false);
  useEffect(() => {
    let active = true;
    api.get<ListPage<HistoryItem>>(`/cases/${caseId}/history`).then(
      (page) => {
        if (!active) return;
        setItems(page.items);
        setProblem(null);
      },
      (error: unknown) => active && setProblem(error instanceof ApiProblem ? error : null),
    );
    return () => {
      active = false;
    };
  }, [api, caseId, version]);
  const hasContent = (items ?? []).some((item) => item.after !== undefined);
  return (
    <Section title={t("my.history.title")} id="history">
      {problem ? <ProblemBanner problem={problem} /> : null}
      {items === null && !problem ? <Loading /> : null}
      {hasContent ? (
        <div className={common.buttons}>
          <Button size="small" onClick={() => setShowContent((shown) => !shown)} aria-pressed={showContent}>
            {t("my.history.showContent")}
          </Button>
        </div>
      ) : null}
      {items ? (
        <ol className={styles.list}>
          {items.map((item) => (
            <li key={item.id}>
              <Caption1 className={common.muted}>
                <time dateTime={item.at}>{format.dateTime(item.at)}</time> · {actorText(t, item)}
              </Caption1>
              <div>{describe(t, item)}</div>
              {item.statusAfter && item.statusAfter !== item.statusBefore ? (
                <Caption1 className={common.muted}>
                  {t("my.history.status", { status: t(`my.status.${item.statusAfter}`) })}
                </Caption1>
              ) : null}
              {showContent && (item.before || item.after) ? (
                <pre className={styles.raw}>{JSON.stringify({ before: item.before, after: item.after }, null, 2)}</pre>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </Section>
  );
}
