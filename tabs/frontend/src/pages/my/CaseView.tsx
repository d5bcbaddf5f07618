// The case page (#/cases/<id>): every revision and what changed, the question
// rounds, the solutions, the mentor, the history, and the actions open now.
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Link,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowLeftRegular, ChatRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT, type Translate } from "../../i18n";
import { Loading } from "../../ui/Loading";
import { PageLayout } from "../../ui/PageLayout";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CaseHistory } from "./CaseHistory";
import { MentorActions } from "./MentorActions";
import { TeacherActions, WithdrawButton } from "./TeacherActions";
import {
  CaseBadges,
  Section,
  participantLabel,
  useCommonStyles,
  useFormOptions,
  waitingText,
  type CaseHandlers,
} from "./common";
import type { CaseDetail, Revision } from "./types";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  summary: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  waiting: { fontWeight: tokens.fontWeightSemibold },
  waitingOnYou: { color: tokens.colorBrandForeground1, fontWeight: tokens.fontWeightSemibold },
  fields: { display: "grid", gridTemplateColumns: "minmax(0, 1fr)", gap: tokens.spacingVerticalS, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold, display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  definition: { margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  round: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  roundTitle: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  answer: { margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere", color: tokens.colorNeutralForeground2 },
  solution: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    paddingBlock: tokens.spacingVerticalS,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

const REVISION_FIELDS = ["essence", "actionsTaken", "whyDifficult", "question"] as const;

// Fields whose own label speaks to the teacher ("What you have already tried").
const NEUTRAL_FIELDS = new Set(["actionsTaken", "whyDifficult", "question", "willDo", "whatChanged"]);

/** Label a field of the teacher's answers: to the teacher as "you", to a mentor or moderator in the third person. */
function fieldLabel(t: Translate, name: string, relation: CaseDetail["viewerRelation"]): string {
  return relation !== "teacher" && NEUTRAL_FIELDS.has(name) ? t(`my.neutralField.${name}`) : t(`my.field.${name}`);
}

export function CaseView({ caseId }: { caseId: number }) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const styles = useStyles();
  const common = useCommonStyles();
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [notice, setNotice] = useState<ApiProblem | null>(null);
  const [historyVersion, setHistoryVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      setDetail(await api.get<CaseDetail>(`/cases/${caseId}`));
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : null);
    }
    setHistoryVersion((version) => version + 1);
  }, [api, caseId]);

  useEffect(() => {
    setDetail(null);
    setNotice(null);
    void load();
  }, [load]);

  const handlers = useMemo<CaseHandlers>(
    () => ({
      onDone(updated) {
        setNotice(null);
        setDetail(updated);
        setHistoryVersion((version) => version + 1);
        window.scrollTo({ top: 0 });
      },
      onStale(stale) {
        setNotice(stale);
        void load();
      },
    }),
    [load],
  );

  const title = detail ? t("my.case.title", { number: detail.number }) : t("my.case.loadingTitle");
  const back = (
    <Link href="#/">
      <ArrowLeftRegular aria-hidden /> {t("my.case.back")}
    </Link>
  );

  if (problem && !detail) {
    return (
      <PageLayout title={title} actions={back}>
        <ProblemBanner problem={problem} onRetry={() => void load()} />
      </PageLayout>
    );
  }
  if (!detail) {
    return (
      <PageLayout title={title} actions={back}>
        <Loading />
      </PageLayout>
    );
  }

  const relation = detail.viewerRelation;
  return (
    <PageLayout title={title} actions={back}>
      <div className={styles.page}>
        <div className={styles.summary}>
          <CaseBadges status={detail.status} urgency={detail.urgency} privacy={detail.privacy} />
          <Body1 className={detail.waitingOnYou ? styles.waitingOnYou : styles.waiting} data-testid="waiting-for">
            {waitingText(t, detail.waitingFor, detail.waitingOnYou, detail.mentor?.name)}
          </Body1>
          <Caption1 className={common.muted}>
            {t("my.case.changed", { when: format.dateTime(detail.updatedAt) })} ·{" "}
            {t("my.case.revision", { number: detail.currentRevision, limit: detail.revisionLimit })}
            {detail.opinion > 1 ? ` · ${t("my.case.secondOpinion")}` : ""}
          </Caption1>
          {detail.mentor ? (
            <Body1>
              {t("my.case.mentor")}:{" "}
              <Link href={`/tabs/mentors#/mentors/${detail.mentor.id}`}>{detail.mentor.name}</Link>
              {detail.mentor.status === "offered" ? ` (${t("my.case.mentorOffered")})` : ""}
            </Body1>
          ) : null}
          {detail.teacher ? (
            <Body1>
              {t("my.case.teacher")}: {detail.teacher.displayName}
              {detail.teacher.email ? ` · ${detail.teacher.email}` : ""}
              {detail.teacher.chatLink ? (
                <>
                  {" "}
                  <Link href={detail.teacher.chatLink} target="_blank" rel="noreferrer">
                    <ChatRegular aria-hidden /> {t("my.case.openChat")}
                  </Link>
                </>
              ) : null}
            </Body1>
          ) : relation !== "teacher" && detail.privacy === "anonymous" ? (
            <Caption1 className={common.muted}>{t("my.case.anonymousNote")}</Caption1>
          ) : null}
        </div>

        {notice ? <ProblemBanner problem={notice} onDismiss={() => setNotice(null)} /> : null}

        {relation === "teacher" ? <TeacherActions detail={detail} handlers={handlers} /> : <MentorActions detail={detail} handlers={handlers} />}

        <RevisionsSection detail={detail} />
        {detail.questionRounds.length > 0 ? <RoundsSection detail={detail} /> : null}
        {detail.solutions.length > 0 ? <SolutionsSection detail={detail} /> : null}
        {detail.reflection ? (
          <Section title={t("my.reflection.done")} id="reflection-done">
            <dl className={styles.fields}>
              <dt className={styles.term}>{fieldLabel(t, "willDo", relation)}</dt>
              <dd className={styles.definition}>{detail.reflection.willDo}</dd>
              <dt className={styles.term}>{fieldLabel(t, "whatChanged", relation)}</dt>
              <dd className={styles.definition}>{detail.reflection.whatChanged}</dd>
              <dt className={styles.term}>{t("my.field.usefulness")}</dt>
              <dd className={styles.definition}>{t("my.reflection.rating", { rating: detail.reflection.usefulness })}</dd>
              {detail.reflection.comment ? (
                <>
                  <dt className={styles.term}>{t("my.field.comment")}</dt>
                  <dd className={styles.definition}>{detail.reflection.comment}</dd>
                </>
              ) : null}
            </dl>
          </Section>
        ) : null}
        {detail.assignments.length > 0 ? (
          <Section title={t("my.assignments.title")} id="assignments">
            <ul className={styles.list}>
              {detail.assignments.map((assignment) => (
                <li key={assignment.id}>
                  {assignment.mentorName} — {t(`my.assignment.${assignment.status}`)}
                  {assignment.byModerator ? ` (${t("my.assignments.byModerator")})` : ""}
                  {assignment.opinion > 1 ? ` · ${t("my.case.secondOpinion")}` : ""}
                  {assignment.declineReason ? ` · ${t("my.field.declineReason")}: ${assignment.declineReason}` : ""}
                </li>
              ))}
            </ul>
          </Section>
        ) : null}
        <CaseHistory caseId={detail.id} version={historyVersion} />
        {relation === "teacher" ? (
          <div className={common.buttons}>
            <WithdrawButton detail={detail} handlers={handlers} />
          </div>
        ) : null}
      </div>
    </PageLayout>
  );
}

function RevisionsSection({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const common = useCommonStyles();
  const [selected, setSelected] = useState(String(detail.currentRevision));
  useEffect(() => setSelected(String(detail.currentRevision)), [detail.currentRevision]);
  const revision = detail.revisions.find((item) => String(item.number) === selected) ?? detail.revisions[detail.revisions.length - 1];
  return (
    <Section title={t("my.revisions.title")} id="revisions">
      {detail.revisions.length > 1 ? (
        // Toggle buttons rather than Fluent's TabList, whose tabster helpers axe-core rejects.
        <div role="group" aria-label={t("my.revisions.choose")} className={common.buttons}>
          {detail.revisions.map((item) => (
            <Button
              key={item.number}
              size="small"
              appearance={String(item.number) === selected ? "primary" : "secondary"}
              aria-pressed={String(item.number) === selected}
              onClick={() => setSelected(String(item.number))}
            >
              {item.number === detail.currentRevision
                ? t("my.revisions.current", { number: item.number })
                : t("my.revisions.number", { number: item.number })}
            </Button>
          ))}
        </div>
      ) : null}
      <RevisionFields revision={revision} relation={detail.viewerRelation} />
    </Section>
  );
}

function RevisionFields({ revision, relation }: { revision: Revision; relation: CaseDetail["viewerRelation"] }) {
  const t = useT();
  const styles = useStyles();
  const { options } = useFormOptions();
  const rubricTitle = (key: string) => options?.rubrics.find((rubric) => rubric.key === key)?.title ?? key;
  const changed = new Set(revision.changedFields);
  const mark = (name: string) =>
    changed.has(name) ? (
      <Badge appearance="tint" color="warning" size="small">
        {t("my.revisions.changed")}
      </Badge>
    ) : null;
  return (
    <dl className={styles.fields}>
      {REVISION_FIELDS.map((name) => (
        <div key={name}>
          <dt className={styles.term}>
            {fieldLabel(t, name, relation)} {mark(name)}
          </dt>
          <dd className={styles.definition}>{revision[name]}</dd>
        </div>
      ))}
      <div>
        <dt className={styles.term}>
          {t("my.field.participants")} {mark("participants")}
        </dt>
        <dd className={styles.definition}>{revision.participants.map((key) => participantLabel(t, key)).join(", ")}</dd>
      </div>
      <div>
        <dt className={styles.term}>
          {t("my.field.rubrics")} {mark("rubrics")}
        </dt>
        <dd className={styles.definition}>{revision.rubrics.map(rubricTitle).join(", ")}</dd>
      </div>
    </dl>
  );
}

function RoundsSection({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const format = useFormat();
  const styles = useStyles();
  const common = useCommonStyles();
  return (
    <Section title={t("my.rounds.title")} id="rounds">
      {detail.questionRounds.map((round, index) => (
        <div key={round.id} className={styles.round}>
          <h3 className={styles.roundTitle}>
            {t("my.rounds.round", { number: index + 1, revision: round.revision })}
          </h3>
          <Caption1 className={common.muted}>
            {t("my.rounds.asked", { when: format.dateTime(round.askedAt) })}
            {round.answeredAt ? ` · ${t("my.rounds.answered", { when: format.dateTime(round.answeredAt) })}` : ""}
            {round.decision ? ` · ${t(`my.rounds.decision.${round.decision}`)}` : ""}
          </Caption1>
          <ol className={styles.list}>
            {round.questions.map((question) => (
              <li key={question.id}>
                <p className={common.text}>{question.text}</p>
                <p className={styles.answer}>{question.answer ?? t("my.rounds.noAnswer")}</p>
              </li>
            ))}
          </ol>
        </div>
      ))}
    </Section>
  );
}

function SolutionsSection({ detail }: { detail: CaseDetail }) {
  const t = useT();
  const format = useFormat();
  const styles = useStyles();
  const common = useCommonStyles();
  return (
    <Section title={t("my.solutions.title")} id="solutions">
      {detail.solutions.map((solution) => (
        <article key={solution.id} className={styles.solution} aria-label={t("my.solutions.by", { mentor: solution.mentorName })}>
          <Caption1 className={common.muted}>
            {t("my.solutions.by", { mentor: solution.mentorName })} · {format.dateTime(solution.createdAt)}
            {solution.opinion > 1 ? ` · ${t("my.case.secondOpinion")}` : ""}
          </Caption1>
          <p className={common.text}>{solution.text}</p>
          {solution.materials.length > 0 ? (
            <>
              <Caption1>{t("my.solutions.materials")}</Caption1>
              <ul className={styles.list}>
                {solution.materials.map((material) => (
                  <li key={material.entryId}>
                    <Link href={`/tabs/library#/entries/${material.entryId}`}>{material.title}</Link>
                    {material.url ? (
                      <>
                        {" · "}
                        <Link href={material.url} target="_blank" rel="noreferrer">
                          {t("my.solutions.openLink")}
                        </Link>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </article>
      ))}
    </Section>
  );
}
