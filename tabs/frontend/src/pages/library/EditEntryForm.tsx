// A moderator's edit of an entry. Every entry has a title and rubrics. A
// material also has its link, summary, type and language, and a solved case
// its anonymised texts, clarifications and solutions. The server checks
// edited case texts for personal data again and names the field that still
// contains some.
import { Body1, Button, Input, Radio, RadioGroup, Select, Textarea } from "@fluentui/react-components";
import { SaveRegular } from "@fluentui/react-icons";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CharacterCount, RubricChoice, textLength, useLibraryStyles } from "./common";
import { type EntryDetail, type Filters, LIMITS, MATERIAL_TYPES } from "./types";

interface Draft {
  title: string;
  rubrics: string[];
  summary: string;
  url: string;
  materialType: string;
  language: string;
  essence: string;
  actionsTaken: string;
  whyDifficult: string;
  question: string;
  clarifications: { question: string; answer: string }[];
  solutions: { text: string }[];
}

function draftOf(entry: EntryDetail): Draft {
  return {
    title: entry.title,
    rubrics: entry.rubrics.map((rubric) => rubric.key),
    summary: entry.summary,
    url: entry.url ?? "",
    materialType: entry.materialType ?? "",
    language: entry.language,
    essence: entry.case?.essence ?? "",
    actionsTaken: entry.case?.actionsTaken ?? "",
    whyDifficult: entry.case?.whyDifficult ?? "",
    question: entry.case?.question ?? "",
    clarifications: (entry.case?.clarifications ?? []).map((item) => ({ ...item })),
    solutions: (entry.case?.solutions ?? []).map((item) => ({ text: item.text })),
  };
}

function bodyOf(entry: EntryDetail, draft: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = { title: draft.title, rubrics: draft.rubrics };
  if (entry.kind === "material") {
    return { ...body, summary: draft.summary, url: draft.url, materialType: draft.materialType, language: draft.language };
  }
  return {
    ...body,
    essence: draft.essence,
    actionsTaken: draft.actionsTaken,
    whyDifficult: draft.whyDifficult,
    question: draft.question,
    clarifications: draft.clarifications,
    solutions: draft.solutions,
  };
}

export function EditEntryForm({ entryId, filters }: { entryId: number; filters: Filters | null }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useLibraryStyles();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<EntryDetail>(`/library/entries/${entryId}`, { signal: controller.signal })
      .then((loaded) => {
        setEntry(loaded);
        setDraft(draftOf(loaded));
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as Error);
      });
    return () => controller.abort();
  }, [api, entryId]);

  if (!entry || !draft) {
    return problem ? <ProblemBanner problem={problem} /> : <Loading />;
  }

  const change = (changes: Partial<Draft>) => setDraft({ ...draft, ...changes });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await api.patch<EntryDetail>(`/library/entries/${entryId}`, bodyOf(entry, draft));
      route.navigate(`/entries/${entryId}`);
    } catch (error) {
      setProblem(error as Error);
      setBusy(false);
    }
  };

  const textField = (
    name: string,
    label: string,
    value: string,
    limit: number,
    onChange: (value: string) => void,
    rows = 4,
  ): ReactNode => (
    <div className={styles.fieldGroup} key={name}>
      <FormField name={name} label={label} required problem={problem}>
        <Textarea
          value={value}
          onChange={(_, data) => onChange(data.value)}
          resize="vertical"
          rows={rows}
          aria-describedby={`library-${name}-count`}
        />
      </FormField>
      <CharacterCount id={`library-${name}-count`} length={textLength(value)} limit={limit} />
    </div>
  );
  const solvedCase = entry.kind === "solved_case";

  return (
    <div className={styles.stack}>
      <h2 className={styles.heading}>{t("library.editHeading", { title: entry.title })}</h2>
      {solvedCase ? <Body1>{t("library.editCaseHint")}</Body1> : null}
      <form className={styles.form} onSubmit={submit} noValidate>
        {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
        <div className={styles.fieldGroup}>
          <FormField name="title" label={t("library.field.title")} required problem={problem}>
            <Input value={draft.title} onChange={(_, data) => change({ title: data.value })} aria-describedby="library-edit-title-count" />
          </FormField>
          <CharacterCount
            id="library-edit-title-count"
            length={textLength(draft.title)}
            limit={solvedCase ? LIMITS.caseTitle : LIMITS.materialTitle}
          />
        </div>
        <RubricChoice
          rubrics={filters?.rubrics ?? []}
          selected={draft.rubrics}
          onChange={(rubrics) => change({ rubrics })}
          message={problem instanceof ApiProblem ? problem.fieldMessage("rubrics") : undefined}
        />
        {solvedCase ? (
          <>
            {textField("essence", t("library.case.essence"), draft.essence, LIMITS.essence, (essence) => change({ essence }), 6)}
            {textField("actionsTaken", t("library.case.actionsTaken"), draft.actionsTaken, LIMITS.actionsTaken, (actionsTaken) => change({ actionsTaken }))}
            {textField("whyDifficult", t("library.case.whyDifficult"), draft.whyDifficult, LIMITS.whyDifficult, (whyDifficult) => change({ whyDifficult }))}
            {textField("question", t("library.case.question"), draft.question, LIMITS.question, (question) => change({ question }), 3)}
            {draft.clarifications.length > 0 ? (
              <fieldset className={styles.fieldset}>
                <legend className={styles.legend}>{t("library.case.clarifications")}</legend>
                <div className={styles.stack}>
                  {draft.clarifications.map((item, index) => {
                    const update = (part: "question" | "answer", value: string) =>
                      change({
                        clarifications: draft.clarifications.map((current, position) =>
                          position === index ? { ...current, [part]: value } : current,
                        ),
                      });
                    return (
                      <div key={index} className={styles.panel}>
                        {textField(
                          `clarificationQuestion_${index}`,
                          t("library.field.clarificationQuestion", { number: index + 1 }),
                          item.question,
                          LIMITS.clarificationQuestion,
                          (value) => update("question", value),
                          2,
                        )}
                        {textField(
                          `clarificationAnswer_${index}`,
                          t("library.field.clarificationAnswer", { number: index + 1 }),
                          item.answer,
                          LIMITS.clarificationAnswer,
                          (value) => update("answer", value),
                          3,
                        )}
                      </div>
                    );
                  })}
                </div>
              </fieldset>
            ) : null}
            {draft.solutions.map((item, index) =>
              textField(
                `solution_${index}`,
                t("library.field.solutionText", { number: index + 1 }),
                item.text,
                LIMITS.solution,
                (text) =>
                  change({
                    solutions: draft.solutions.map((current, position) => (position === index ? { text } : current)),
                  }),
                8,
              ),
            )}
          </>
        ) : (
          <>
            <FormField name="url" label={t("library.field.url")} hint={t("library.field.urlHint")} required problem={problem}>
              <Input type="url" inputMode="url" value={draft.url} onChange={(_, data) => change({ url: data.value })} />
            </FormField>
            {textField("summary", t("library.field.summary"), draft.summary, LIMITS.summary, (summary) => change({ summary }), 6)}
            <FormField name="materialType" label={t("library.field.materialType")} required problem={problem}>
              <Select value={draft.materialType} onChange={(_, data) => change({ materialType: data.value })}>
                {MATERIAL_TYPES.map((key) => (
                  <option key={key} value={key}>
                    {t(`library.materialType.${key}`)}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField name="language" label={t("library.field.language")} required problem={problem}>
              <RadioGroup layout="horizontal" value={draft.language} onChange={(_, data) => change({ language: data.value })}>
                <Radio value="ru" label={t("library.language.ru")} />
                <Radio value="en" label={t("library.language.en")} />
              </RadioGroup>
            </FormField>
          </>
        )}
        <div className={styles.toolbar}>
          <Button appearance="primary" type="submit" icon={<SaveRegular />} disabled={busy}>
            {busy ? t("library.saving") : t("library.save")}
          </Button>
          <Button onClick={() => route.navigate(`/entries/${entryId}`)} disabled={busy}>
            {t("library.cancel")}
          </Button>
        </div>
      </form>
    </div>
  );
}
