// Add a material (an article, a book, a link or a video) for mentors and
// moderators. It is published at once; a mentor may attach it to one of
// their solutions in the same step. On failure the form keeps what was typed
// and shows the server's message by each field.
import { Button, Input, Radio, RadioGroup, Select, Textarea } from "@fluentui/react-components";
import { AddRegular } from "@fluentui/react-icons";
import { type FormEvent, useEffect, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useLocale, useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { FormField, problemFields } from "../../ui/FormField";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CharacterCount, RubricChoice, searchPath, textLength, useLibraryStyles } from "./common";
import { type EntryDetail, type Filters, LIMITS, MATERIAL_TYPES, type MentorSolution, type SolutionPage } from "./types";

export function MaterialForm({ filters }: { filters: Filters | null }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const locale = useLocale();
  const session = useSession();
  const styles = useLibraryStyles();
  const mentor = session.hasRole("mentor");
  const [title, setTitle] = useState("");
  const [url, setUrl] = useState("");
  const [summary, setSummary] = useState("");
  const [materialType, setMaterialType] = useState("");
  const [rubrics, setRubrics] = useState<string[]>([]);
  const [language, setLanguage] = useState<string>(locale);
  const [solutionId, setSolutionId] = useState("");
  const [solutions, setSolutions] = useState<MentorSolution[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  useEffect(() => {
    if (!mentor) return;
    const controller = new AbortController();
    api
      .get<SolutionPage>("/library/solutions", { query: { limit: 50 }, signal: controller.signal })
      .then((page) => setSolutions(page.items))
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as Error);
      });
    return () => controller.abort();
  }, [api, mentor]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const entry = await api.post<EntryDetail>("/library/entries", {
        title,
        url,
        summary,
        materialType,
        rubrics,
        language,
        solutionId: solutionId ? Number(solutionId) : null,
      });
      route.navigate(`/entries/${entry.id}`);
    } catch (error) {
      setProblem(error as Error);
      setBusy(false);
    }
  };

  return (
    <div className={styles.stack}>
      <h2 className={styles.heading}>{t("library.addMaterial")}</h2>
      <form className={styles.form} onSubmit={submit} noValidate>
        {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
        <div className={styles.fieldGroup}>
          <FormField name="title" label={t("library.field.title")} required problem={problem}>
            <Input value={title} onChange={(_, data) => setTitle(data.value)} aria-describedby="library-title-count" />
          </FormField>
          <CharacterCount id="library-title-count" length={textLength(title)} limit={LIMITS.materialTitle} />
        </div>
        <FormField name="url" label={t("library.field.url")} hint={t("library.field.urlHint")} required problem={problem}>
          <Input type="url" inputMode="url" value={url} onChange={(_, data) => setUrl(data.value)} />
        </FormField>
        <div className={styles.fieldGroup}>
          <FormField name="summary" label={t("library.field.summary")} hint={t("library.field.summaryHint")} required problem={problem}>
            <Textarea
              value={summary}
              onChange={(_, data) => setSummary(data.value)}
              resize="vertical"
              rows={6}
              aria-describedby="library-summary-count"
            />
          </FormField>
          <CharacterCount id="library-summary-count" length={textLength(summary)} limit={LIMITS.summary} />
        </div>
        <FormField name="materialType" label={t("library.field.materialType")} required problem={problem}>
          <Select value={materialType} onChange={(_, data) => setMaterialType(data.value)}>
            <option value="">{t("library.field.chooseType")}</option>
            {MATERIAL_TYPES.map((key) => (
              <option key={key} value={key}>
                {t(`library.materialType.${key}`)}
              </option>
            ))}
          </Select>
        </FormField>
        <RubricChoice
          rubrics={filters?.rubrics ?? []}
          selected={rubrics}
          onChange={setRubrics}
          message={problem instanceof ApiProblem ? problem.fieldMessage("rubrics") : undefined}
        />
        <FormField name="language" label={t("library.field.language")} required problem={problem}>
          <RadioGroup layout="horizontal" value={language} onChange={(_, data) => setLanguage(data.value)}>
            <Radio value="ru" label={t("library.language.ru")} />
            <Radio value="en" label={t("library.language.en")} />
          </RadioGroup>
        </FormField>
        {mentor && solutions.length > 0 ? (
          <FormField name="solutionId" label={t("library.field.solution")} hint={t("library.field.solutionHint")} problem={problem}>
            <Select value={solutionId} onChange={(_, data) => setSolutionId(data.value)}>
              <option value="">{t("library.field.noSolution")}</option>
              {solutions.map((solution) => (
                <option key={solution.id} value={String(solution.id)}>
                  {t("library.solutionOption", { number: solution.caseNumber, excerpt: solution.excerpt.slice(0, 80) })}
                </option>
              ))}
            </Select>
          </FormField>
        ) : null}
        <div className={styles.toolbar}>
          <Button appearance="primary" type="submit" icon={<AddRegular />} disabled={busy}>
            {busy ? t("library.saving") : t("library.addMaterialSubmit")}
          </Button>
          <Button onClick={() => route.navigate(searchPath())} disabled={busy}>
            {t("library.cancel")}
          </Button>
        </div>
      </form>
    </div>
  );
}
