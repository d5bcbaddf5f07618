// Action panels of the teacher on their case: the same operations as the chat's cards.
import {
  Body1,
  Button,
  Caption1,
  Link,
  Radio,
  RadioGroup,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState, type FormEvent } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CaseForm, valuesOf, type CaseFormProps } from "./CaseForm";
import { ConfirmButton } from "./ConfirmButton";
import { Section, characterCount, useCaseOperation, useCommonStyles, type CaseHandlers } from "./common";
import type { CaseDetail, CaseFormValues, Candidate, QuestionRound } from "./types";

const useStyles = makeStyles({
  candidates: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 18rem), 1fr))",
    gap: tokens.spacingHorizontalM,
  },
  candidate: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  candidateName: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  question: { margin: 0, fontWeight: tokens.fontWeightSemibold, whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
  hits: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
});

interface ActionProps {
  detail: CaseDetail;
  handlers: CaseHandlers;
}

/** Render a panel for every action the server lists for the teacher, in workflow order. */
export function TeacherActions({ detail, handlers }: ActionProps) {
  const actions = new Set(detail.actions);
  return (
    <>
      {actions.has("find_mentor") || actions.has("close_by_library") ? (
        <LibraryChoice detail={detail} handlers={handlers} />
      ) : null}
      {actions.has("pick_mentor") ? <CandidatePicker detail={detail} handlers={handlers} /> : null}
      {actions.has("answer_questions") ? <AnswerForm detail={detail} handlers={handlers} /> : null}
      {actions.has("keep_version") ? <VersionChoice detail={detail} handlers={handlers} /> : null}
      {actions.has("complete") ? <ReflectionForm detail={detail} handlers={handlers} /> : null}
    </>
  );
}

/** Render the withdraw button of an open case, which requests confirmation first. */
export function WithdrawButton({ detail, handlers }: ActionProps) {
  const operation = useCaseOperation(handlers);
  const t = useT();
  if (!detail.actions.includes("withdraw")) return null;
  return (
    <>
      {operation.problem ? <ProblemBanner problem={operation.problem} /> : null}
      <ConfirmButton
      label={t("my.action.withdraw")}
      title={t("my.withdraw.title", { number: detail.number })}
      message={t("my.withdraw.message")}
      confirmLabel={t("my.action.withdraw")}
      disabled={operation.busy}
      onConfirm={() => void operation.run(`/cases/${detail.id}/withdrawal`)}
      />
    </>
  );
}

function LibraryChoice({ detail, handlers }: ActionProps) {
  const operation = useCaseOperation(handlers);
  const t = useT();
  const styles = useStyles();
  const common = useCommonStyles();
  return (
    <Section title={t("my.library.title")} id="library-answer">
      {operation.problem ? <ProblemBanner problem={operation.problem} /> : null}
      {detail.libraryHits.length > 0 ? (
        <>
          <Body1>{t("my.library.intro")}</Body1>
          <ul className={styles.hits}>
            {detail.libraryHits.map((hit) => (
              <li key={hit.entryId}>
                <Link href={`/tabs/library#/entries/${hit.entryId}`}>{hit.title}</Link>
                {hit.summary ? <Caption1 className={common.muted}> — {hit.summary}</Caption1> : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <Body1>{t("my.library.none")}</Body1>
      )}
      <div className={common.buttons}>
        {detail.actions.includes("find_mentor") ? (
          <Button appearance="primary" disabled={operation.busy} onClick={() => void operation.run(`/cases/${detail.id}/find-mentor`)}>
            {t("my.action.find_mentor")}
          </Button>
        ) : null}
        {detail.actions.includes("close_by_library") ? (
          <ConfirmButton
            label={t("my.action.close_by_library")}
            title={t("my.closeByLibrary.title", { number: detail.number })}
            message={t("my.closeByLibrary.message")}
            confirmLabel={t("my.action.close_by_library")}
            disabled={operation.busy}
            onConfirm={() => void operation.run(`/cases/${detail.id}/close-by-library`)}
          />
        ) : null}
      </div>
    </Section>
  );
}

function CandidatePicker({ detail, handlers }: ActionProps) {
  const operation = useCaseOperation(handlers);
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const common = useCommonStyles();
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  useEffect(() => {
    let active = true;
    api.get<Candidate[]>(`/cases/${detail.id}/candidates`).then(
      (loaded) => active && setCandidates(loaded),
      (error: unknown) => active && setProblem(error instanceof ApiProblem ? error : null),
    );
    return () => {
      active = false;
    };
  }, [api, detail.id, detail.updatedAt]);

  return (
    <Section title={t("my.candidates.title")} id="candidates">
      {problem ? <ProblemBanner problem={problem} /> : null}
      {operation.problem ? <ProblemBanner problem={operation.problem} /> : null}
      {candidates === null && !problem ? <Loading /> : null}
      {candidates && candidates.length === 0 ? <Body1>{t("my.candidates.none")}</Body1> : null}
      {candidates && candidates.length > 0 ? (
        <>
          <Body1>{t("my.candidates.intro")}</Body1>
          <div className={styles.candidates}>
            {candidates.map((candidate) => (
              <article key={candidate.id} className={styles.candidate} aria-labelledby={`candidate-${candidate.id}`}>
                <h3 className={styles.candidateName} id={`candidate-${candidate.id}`}>
                  <Link href={`/tabs/mentors#/mentors/${candidate.id}`}>{candidate.name}</Link>
                </h3>
                {candidate.position ? <Caption1>{candidate.position}</Caption1> : null}
                {candidate.workplace ? <Caption1 className={common.muted}>{candidate.workplace}</Caption1> : null}
                <Caption1>
                  {t("my.candidates.areas")}: {candidate.areas.map((area) => area.title).join(", ")}
                </Caption1>
                {candidate.motto ? <Caption1 className={common.muted}>«{candidate.motto}»</Caption1> : null}
                <Caption1>{t("my.candidates.load", { open: candidate.openCases, max: candidate.maxOpenCases })}</Caption1>
                <Button
                  appearance="primary"
                  disabled={operation.busy}
                  onClick={() => void operation.run(`/cases/${detail.id}/mentor`, { mentorId: candidate.id })}
                >
                  {t("my.candidates.choose", { name: candidate.name })}
                </Button>
              </article>
            ))}
          </div>
        </>
      ) : null}
    </Section>
  );
}

function openRound(detail: CaseDetail): QuestionRound | undefined {
  return [...detail.questionRounds].reverse().find((round) => round.answeredAt === null);
}

function AnswerForm({ detail, handlers }: ActionProps) {
  const operation = useCaseOperation(handlers);
  const t = useT();
  const styles = useStyles();
  const common = useCommonStyles();
  const round = openRound(detail);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  if (!round) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: Record<string, string> = {};
    for (const question of round.questions) body[String(question.id)] = answers[question.id] ?? "";
    void operation.run(`/cases/${detail.id}/rounds/${round.id}/answers`, { answers: body });
  };
  return (
    <Section title={t("my.answers.title")} id="answer-questions">
      <Body1>{t("my.answers.intro", { count: round.questions.length })}</Body1>
      <form className={common.stack} onSubmit={submit} noValidate>
        {operation.problem ? (
          <ProblemBanner problem={operation.problem} fieldsShownInline={problemFields(operation.problem)} />
        ) : null}
        {round.questions.map((question, index) => (
          <FormField
            key={question.id}
            name={`answer_${question.id}`}
            problem={operation.problem}
            required
            label={
              <span className={styles.question}>
                {index + 1}. {question.text}
              </span>
            }
            hint={t("my.form.count", { count: characterCount(answers[question.id] ?? ""), limit: 1000 })}
          >
            <Textarea
              value={answers[question.id] ?? ""}
              onChange={(_, data) => setAnswers((current) => ({ ...current, [question.id]: data.value }))}
              resize="vertical"
              rows={3}
            />
          </FormField>
        ))}
        <div className={common.buttons}>
          <Button appearance="primary" type="submit" disabled={operation.busy}>
            {operation.busy ? t("form.saving") : t("my.answers.send")}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function VersionChoice({ detail, handlers }: ActionProps) {
  const operation = useCaseOperation(handlers);
  const t = useT();
  const common = useCommonStyles();
  const [editing, setEditing] = useState(false);
  const current = detail.revisions[detail.revisions.length - 1];
  const initial = valuesOf(current, {
    privacy: detail.privacy,
    urgency: detail.urgency,
    groupConsent: detail.groupConsent,
    publishConsent: detail.publishConsent,
  });
  const canRedefine = detail.actions.includes("redefine");
  const submit: CaseFormProps["onSubmit"] = (values: CaseFormValues) =>
    void operation.run(`/cases/${detail.id}/revisions`, values);
  return (
    <Section title={t("my.version.title")} id="version-choice">
      <Body1>{t("my.version.intro")}</Body1>
      {!canRedefine ? <Caption1 className={common.muted}>{t("my.version.limit", { limit: detail.revisionLimit })}</Caption1> : null}
      {editing ? (
        <CaseForm
          initial={initial}
          submitLabel={t("my.version.saveRevision", { number: detail.currentRevision + 1 })}
          busy={operation.busy}
          problem={operation.problem}
          onSubmit={submit}
          onCancel={() => {
            operation.clear();
            setEditing(false);
          }}
          revision={detail.currentRevision + 1}
        />
      ) : (
        <>
          {operation.problem ? <ProblemBanner problem={operation.problem} /> : null}
          <div className={common.buttons}>
            <Button appearance="primary" disabled={operation.busy} onClick={() => void operation.run(`/cases/${detail.id}/keep-version`)}>
              {t("my.action.keep_version")}
            </Button>
            {canRedefine ? (
              <Button disabled={operation.busy} onClick={() => setEditing(true)}>
                {t("my.action.redefine")}
              </Button>
            ) : null}
          </div>
        </>
      )}
    </Section>
  );
}

interface Reflection {
  willDo: string;
  whatChanged: string;
  usefulness: string;
  comment: string;
}

function ReflectionForm({ detail, handlers }: ActionProps) {
  const operation = useCaseOperation(handlers);
  const t = useT();
  const common = useCommonStyles();
  const [values, setValues] = useState<Reflection>({ willDo: "", whatChanged: "", usefulness: "", comment: "" });
  const set = (name: keyof Reflection, value: string) => setValues((current) => ({ ...current, [name]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void operation.run(`/cases/${detail.id}/completion`, {
      ...values,
      usefulness: values.usefulness ? Number(values.usefulness) : null,
    });
  };
  return (
    <Section title={t("my.reflection.title")} id="reflection">
      <Body1>{t("my.reflection.intro")}</Body1>
      <form className={common.stack} onSubmit={submit} noValidate>
        {operation.problem ? (
          <ProblemBanner problem={operation.problem} fieldsShownInline={problemFields(operation.problem)} />
        ) : null}
        {(["willDo", "whatChanged"] as const).map((name) => (
          <FormField key={name} name={name} problem={operation.problem} label={t(`my.field.${name}`)} required>
            <Textarea value={values[name]} onChange={(_, data) => set(name, data.value)} resize="vertical" rows={3} />
          </FormField>
        ))}
        <FormField name="usefulness" problem={operation.problem} label={t("my.field.usefulness")} required>
          <RadioGroup layout="horizontal" value={values.usefulness} onChange={(_, data) => set("usefulness", data.value)}>
            {["1", "2", "3", "4", "5"].map((value) => (
              <Radio key={value} value={value} label={value} />
            ))}
          </RadioGroup>
        </FormField>
        <FormField name="comment" problem={operation.problem} label={t("my.field.comment")}>
          <Textarea value={values.comment} onChange={(_, data) => set("comment", data.value)} resize="vertical" rows={2} />
        </FormField>
        <div className={common.buttons}>
          <Button appearance="primary" type="submit" disabled={operation.busy}>
            {operation.busy ? t("form.saving") : t("my.action.complete")}
          </Button>
          {detail.actions.includes("second_opinion") ? (
            <ConfirmButton
              label={t("my.action.second_opinion")}
              title={t("my.secondOpinion.title")}
              message={t("my.secondOpinion.message")}
              confirmLabel={t("my.action.second_opinion")}
              disabled={operation.busy}
              onConfirm={() => void operation.run(`/cases/${detail.id}/second-opinion`)}
            />
          ) : null}
        </div>
      </form>
    </Section>
  );
}
