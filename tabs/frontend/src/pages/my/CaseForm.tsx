// The case form: a new case, or the next revision of one (prefilled). On a
// rejected submit every typed value stays and each field shows its message.
import {
  Button,
  Checkbox,
  Radio,
  RadioGroup,
  Switch,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type FormEvent } from "react";
import { ApiProblem } from "../../api";
import { useT } from "../../i18n";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { ChoiceGroup } from "./ChoiceGroup";
import { characterCount, participantLabel, useCommonStyles, useFormOptions } from "./common";
import type { CaseFormValues, Revision } from "./types";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  choices: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 16rem), 1fr))",
    columnGap: tokens.spacingHorizontalM,
    // A stretched checkbox centres a one-line label against a neighbour's two lines.
    alignItems: "start",
  },
});

export const EMPTY_FORM: CaseFormValues = {
  essence: "",
  actionsTaken: "",
  whyDifficult: "",
  question: "",
  participants: [],
  rubrics: [],
  privacy: "",
  groupConsent: false,
  urgency: "",
  publishConsent: false,
};

/** Prefill the redefinition form with the current revision and the case's choices. */
export function valuesOf(revision: Revision, settings: Omit<CaseFormValues, keyof Revision | "participants" | "rubrics">): CaseFormValues {
  return {
    essence: revision.essence,
    actionsTaken: revision.actionsTaken,
    whyDifficult: revision.whyDifficult,
    question: revision.question,
    participants: [...revision.participants],
    rubrics: [...revision.rubrics],
    ...settings,
  };
}

const TEXT_FIELDS = ["essence", "actionsTaken", "whyDifficult", "question"] as const;

export interface CaseFormProps {
  initial: CaseFormValues;
  submitLabel: string;
  busy: boolean;
  problem: ApiProblem | Error | null;
  onSubmit(values: CaseFormValues): void;
  onCancel?(): void;
  /** The revision number the form will create, shown above it when redefining. */
  revision?: number;
}

export function CaseForm({ initial, submitLabel, busy, problem, onSubmit, onCancel, revision }: CaseFormProps) {
  const t = useT();
  const styles = useStyles();
  const common = useCommonStyles();
  const { options, problem: optionsProblem } = useFormOptions();
  const [values, setValues] = useState<CaseFormValues>(initial);

  if (optionsProblem) return <ProblemBanner problem={optionsProblem} />;
  if (!options) return <Loading />;

  const set = <K extends keyof CaseFormValues>(name: K, value: CaseFormValues[K]) =>
    setValues((current) => ({ ...current, [name]: value }));
  const toggle = (name: "participants" | "rubrics", key: string, checked: boolean) =>
    setValues((current) => ({
      ...current,
      [name]: checked ? [...current[name], key] : current[name].filter((item) => item !== key),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(values);
  };

  return (
    <form className={styles.form} onSubmit={submit} noValidate>
      {revision ? <p className={common.muted}>{t("my.form.revisionNote", { number: revision })}</p> : null}
      {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
      {TEXT_FIELDS.map((name) => {
        const limit = options.limits[name];
        const count = characterCount(values[name]);
        return (
          <FormField
            key={name}
            name={name}
            problem={problem}
            label={t(`my.field.${name}`)}
            required
            hint={t("my.form.count", { count, limit })}
            validationState={count > limit ? "warning" : undefined}
          >
            <Textarea
              value={values[name]}
              onChange={(_, data) => set(name, data.value)}
              resize="vertical"
              rows={name === "question" ? 2 : 4}
            />
          </FormField>
        );
      })}
      <ChoiceGroup names={["participants"]} legend={t("my.field.participants")} problem={problem}>
        <div className={styles.choices}>
          {options.participants.map((key) => (
            <Checkbox
              key={key}
              label={participantLabel(t, key)}
              checked={values.participants.includes(key)}
              onChange={(_, data) => toggle("participants", key, Boolean(data.checked))}
            />
          ))}
        </div>
      </ChoiceGroup>
      <ChoiceGroup names={["rubrics"]} legend={t("my.field.rubrics")} problem={problem}>
        <div className={styles.choices}>
          {options.rubrics.map((rubric) => (
            <Checkbox
              key={rubric.key}
              label={rubric.title}
              checked={values.rubrics.includes(rubric.key)}
              onChange={(_, data) => toggle("rubrics", rubric.key, Boolean(data.checked))}
            />
          ))}
        </div>
      </ChoiceGroup>
      <FormField name="privacy" problem={problem} label={t("my.field.privacy")} required>
        <RadioGroup value={values.privacy} onChange={(_, data) => set("privacy", data.value as CaseFormValues["privacy"])}>
          {options.privacy.map((key) => (
            <Radio key={key} value={key} label={t(`my.privacyChoice.${key}`)} />
          ))}
        </RadioGroup>
      </FormField>
      <FormField name="urgency" problem={problem} label={t("my.field.urgency")} required>
        <RadioGroup value={values.urgency} onChange={(_, data) => set("urgency", data.value as CaseFormValues["urgency"])}>
          {options.urgency.map((key) => (
            <Radio key={key} value={key} label={t(`my.urgency.${key}`)} />
          ))}
        </RadioGroup>
      </FormField>
      <FormField name="groupConsent" problem={problem}>
        <Switch
          label={t("my.field.groupConsent")}
          checked={values.groupConsent}
          onChange={(_, data) => set("groupConsent", data.checked)}
        />
      </FormField>
      <FormField name="publishConsent" problem={problem}>
        <Switch
          label={t("my.field.publishConsent")}
          checked={values.publishConsent}
          onChange={(_, data) => set("publishConsent", data.checked)}
        />
      </FormField>
      <div className={common.buttons}>
        <Button appearance="primary" type="submit" disabled={busy}>
          {busy ? t("form.saving") : submitLabel}
        </Button>
        {onCancel ? (
          <Button type="button" onClick={onCancel} disabled={busy}>
            {t("form.cancel")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
