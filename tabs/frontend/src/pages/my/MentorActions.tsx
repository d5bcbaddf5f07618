// Action panels of a mentor (accept or decline an offer, ask questions, write
// a solution) and of a moderator (assign a mentor) on a case.
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Input,
  Link,
  Select,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { SearchRegular } from "@fluentui/react-icons";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { ChoiceGroup } from "./ChoiceGroup";
import { Section, characterCount, useCaseOperation, useCommonStyles, type CaseHandlers } from "./common";
import type { CaseDetail, LibraryHit, SuggestedQuestion } from "./types";

const useStyles = makeStyles({
  fieldset: { border: "none", margin: 0, padding: 0, minWidth: 0 },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: 0, marginBottom: tokens.spacingVerticalXS },
  group: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
  materials: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
  search: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "end" },
});

interface ActionProps {
  detail: CaseDetail;
  handlers: CaseHandlers;
}

export function MentorActions({ detail, handlers }: ActionProps) {
  const actions = new Set(detail.actions);
  return (
    <>
      {actions.has("accept") ? <OfferAnswer detail={detail} handlers={handlers} /> : null}
      {actions.has("ask_questions") ? <QuestionsForm detail={detail} handlers={handlers} /> : null}
      {actions.has("write_solution") ? <SolutionForm detail={detail} handlers={handlers} /> : null}
      {actions.has("assign_mentor") ? <AssignForm detail={detail} handlers={handlers} /> : null}
    </>
  );
}

function OfferAnswer({ detail, handlers }: ActionProps) {
  const t = useT();
  const common = useCommonStyles();
  const operation = useCaseOperation(handlers);
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  const assignment = detail.ownAssignment;
  if (!assignment) return null;
  const decline = (event: FormEvent) => {
    event.preventDefault();
    void operation.run(`/mentoring/offers/${assignment.id}/decline`, { declineReason: reason });
  };
  return (
    <Section title={t("my.offer.title")} id="offer">
      <Body1>{t("my.offer.intro")}</Body1>
      {operation.problem ? (
        <ProblemBanner problem={operation.problem} fieldsShownInline={problemFields(operation.problem)} />
      ) : null}
      {declining ? (
        <form className={common.stack} onSubmit={decline} noValidate>
          <FormField
            name="declineReason"
            problem={operation.problem}
            label={t("my.field.declineReason")}
            hint={t("my.offer.reasonHint")}
          >
            <Textarea value={reason} onChange={(_, data) => setReason(data.value)} resize="vertical" rows={2} />
          </FormField>
          <div className={common.buttons}>
            <Button appearance="primary" type="submit" disabled={operation.busy}>
              {t("my.action.decline")}
            </Button>
            <Button type="button" onClick={() => setDeclining(false)} disabled={operation.busy}>
              {t("form.cancel")}
            </Button>
          </div>
        </form>
      ) : (
        <div className={common.buttons}>
          <Button
            appearance="primary"
            disabled={operation.busy}
            onClick={() => void operation.run(`/mentoring/offers/${assignment.id}/accept`)}
          >
            {t("my.action.accept")}
          </Button>
          <Button disabled={operation.busy} onClick={() => setDeclining(true)}>
            {t("my.action.decline")}…
          </Button>
        </div>
      )}
    </Section>
  );
}

function QuestionsForm({ detail, handlers }: ActionProps) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const common = useCommonStyles();
  const operation = useCaseOperation(handlers);
  const [suggested, setSuggested] = useState<SuggestedQuestion[] | null>(null);
  const [loadProblem, setLoadProblem] = useState<ApiProblem | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [custom, setCustom] = useState("");
  useEffect(() => {
    let active = true;
    api.get<SuggestedQuestion[]>(`/mentoring/cases/${detail.id}/suggested-questions`).then(
      (loaded) => active && setSuggested(loaded),
      (error: unknown) => active && setLoadProblem(error instanceof ApiProblem ? error : null),
    );
    return () => {
      active = false;
    };
  }, [api, detail.id]);
  const groups = useMemo(() => {
    const byGroup = new Map<string, SuggestedQuestion[]>();
    for (const question of suggested ?? []) {
      byGroup.set(question.group, [...(byGroup.get(question.group) ?? []), question]);
    }
    return [...byGroup.entries()];
  }, [suggested]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const customQuestions = custom
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    void operation.run(`/mentoring/cases/${detail.id}/questions`, { suggestedKeys: chosen, customQuestions });
  };
  return (
    <Section title={t("my.questions.title")} id="ask-questions">
      <Body1>{t("my.questions.intro")}</Body1>
      {loadProblem ? <ProblemBanner problem={loadProblem} /> : null}
      <form className={common.stack} onSubmit={submit} noValidate>
        {operation.problem ? (
          <ProblemBanner problem={operation.problem} fieldsShownInline={problemFields(operation.problem)} />
        ) : null}
        {suggested === null && !loadProblem ? <Loading /> : null}
        <ChoiceGroup names={["questions", "suggestedKeys"]} legend={t("my.questions.suggested")} problem={operation.problem}>
          <div className={common.stack}>
            {groups.map(([group, questions]) => (
              <fieldset key={group} className={styles.fieldset}>
                <legend className={styles.legend}>
                  {group} · {t(`my.questionKind.${questions[0].kind}`)}
                </legend>
                <div className={styles.group}>
                  {questions.map((question) => (
                    <Checkbox
                      key={question.key}
                      label={question.text}
                      checked={chosen.includes(question.key)}
                      onChange={(_, data) =>
                        setChosen((current) =>
                          data.checked ? [...current, question.key] : current.filter((key) => key !== question.key),
                        )
                      }
                    />
                  ))}
                </div>
              </fieldset>
            ))}
          </div>
        </ChoiceGroup>
        <FormField
          name="customQuestions"
          problem={operation.problem}
          label={t("my.field.customQuestions")}
          hint={t("my.questions.customHint")}
        >
          <Textarea value={custom} onChange={(_, data) => setCustom(data.value)} resize="vertical" rows={3} />
        </FormField>
        <div className={common.buttons}>
          <Button appearance="primary" type="submit" disabled={operation.busy}>
            {operation.busy ? t("form.saving") : t("my.questions.send")}
          </Button>
          <Caption1 className={common.muted}>
            {t("my.questions.chosen", { count: chosen.length + custom.split("\n").filter((line) => line.trim()).length })}
          </Caption1>
        </div>
      </form>
    </Section>
  );
}

function SolutionForm({ detail, handlers }: ActionProps) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const common = useCommonStyles();
  const operation = useCaseOperation(handlers);

  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState("");
  const [materials, setMaterials] = useState<LibraryHit[] | null>(null);
  const [known, setKnown] = useState<Record<number, LibraryHit>>({});
  const [chosen, setChosen] = useState<number[]>([]);
  const [loadProblem, setLoadProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    let active = true;
    setMaterials(null);
    api.get<LibraryHit[]>(`/mentoring/cases/${detail.id}/materials`, { query: { q: search } }).then(
      (loaded) => {
        if (!active) return;
        setMaterials(loaded);
        setKnown((current) => ({ ...current, ...Object.fromEntries(loaded.map((hit) => [hit.entryId, hit])) }));
      },
      (error: unknown) => active && setLoadProblem(error instanceof ApiProblem ? error : null),
    );
    return () => {
      active = false;
    };
  }, [api, detail.id, search]);

  // Chosen materials stay listed when a new search no longer finds them.
  const shown = [
    ...chosen.filter((id) => !(materials ?? []).some((hit) => hit.entryId === id)).map((id) => known[id]),
    ...(materials ?? []),
  ].filter(Boolean);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void operation.run(`/mentoring/cases/${detail.id}/solutions`, { solution: text, materialIds: chosen });
  };
  return (
    <Section title={t("my.solution.title")} id="write-solution">
      <form className={common.stack} onSubmit={submit} noValidate>
        {operation.problem ? (
          <ProblemBanner problem={operation.problem} fieldsShownInline={problemFields(operation.problem)} />
        ) : null}
        <FormField
          name="solution"
          problem={operation.problem}
          label={t("my.field.solution")}
          required
          hint={t("my.form.count", { count: characterCount(text), limit: 4000 })}
        >
          <Textarea value={text} onChange={(_, data) => setText(data.value)} resize="vertical" rows={6} />
        </FormField>
        <ChoiceGroup names={["materialIds"]} legend={t("my.field.materialIds")} problem={operation.problem}>
          <div className={styles.search}>
            <FormField name="q" label={t("my.solution.search")}>
              <Input
                value={query}
                onChange={(_, data) => setQuery(data.value)}
                onKeyDown={(event) => {
                  if (event.key === "Enter") {
                    event.preventDefault();
                    setSearch(query);
                  }
                }}
              />
            </FormField>
            <Button type="button" icon={<SearchRegular />} onClick={() => setSearch(query)}>
              {t("my.solution.find")}
            </Button>
          </div>
          {loadProblem ? <ProblemBanner problem={loadProblem} /> : null}
          {materials === null && !loadProblem ? <Loading /> : null}
          {materials !== null && shown.length === 0 ? <Caption1>{t("my.solution.noMaterials")}</Caption1> : null}
          <div className={styles.materials}>
            {shown.map((hit) => (
              <Checkbox
                key={hit.entryId}
                checked={chosen.includes(hit.entryId)}
                onChange={(_, data) =>
                  setChosen((current) =>
                    data.checked ? [...current, hit.entryId] : current.filter((id) => id !== hit.entryId),
                  )
                }
                label={
                  <>
                    {hit.title}{" "}
                    <Link href={`/tabs/library#/entries/${hit.entryId}`} target="_blank">
                      {t("my.solution.open")}
                    </Link>
                  </>
                }
              />
            ))}
          </div>
        </ChoiceGroup>
        <div className={common.buttons}>
          <Button appearance="primary" type="submit" disabled={operation.busy}>
            {operation.busy ? t("form.saving") : t("my.solution.send")}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function AssignForm({ detail, handlers }: ActionProps) {
  const t = useT();
  const api = useApi();
  const common = useCommonStyles();
  const operation = useCaseOperation(handlers);
  const [mentors, setMentors] = useState<{ id: number; name: string }[] | null>(null);
  const [mentorId, setMentorId] = useState("");
  const [loadProblem, setLoadProblem] = useState<ApiProblem | null>(null);
  useEffect(() => {
    let active = true;
    api.get<{ id: number; name: string }[]>("/mentoring/moderation/mentors").then(
      (loaded) => active && setMentors(loaded),
      (error: unknown) => active && setLoadProblem(error instanceof ApiProblem ? error : null),
    );
    return () => {
      active = false;
    };
  }, [api]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void operation.run(`/mentoring/moderation/cases/${detail.id}/mentor`, { mentorId: mentorId ? Number(mentorId) : null });
  };
  return (
    <Section title={t("my.assign.title")} id="assign-mentor">
      <Body1>{t("my.assign.intro")}</Body1>
      {loadProblem ? <ProblemBanner problem={loadProblem} /> : null}
      <form className={common.stack} onSubmit={submit} noValidate>
        {operation.problem ? (
          <ProblemBanner problem={operation.problem} fieldsShownInline={problemFields(operation.problem)} />
        ) : null}
        <FormField name="mentorId" problem={operation.problem} label={t("my.field.mentorId")} required>
          <Select value={mentorId} onChange={(_, data) => setMentorId(data.value)}>
            <option value="">{t("my.assign.choose")}</option>
            {(mentors ?? []).map((mentor) => (
              <option key={mentor.id} value={String(mentor.id)}>
                {mentor.name}
              </option>
            ))}
          </Select>
        </FormField>
        <div className={common.buttons}>
          <Button appearance="primary" type="submit" disabled={operation.busy || mentors === null}>
            {t("my.action.assign_mentor")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
