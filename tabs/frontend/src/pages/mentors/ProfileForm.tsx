// The profile's texts and choices. Every field keeps what the user typed when
// the server rejects the form, and shows the server's message next to it.
import {
  Button,
  Checkbox,
  Input,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { AddRegular, DeleteRegular, SaveRegular } from "@fluentui/react-icons";
import { type FormEvent, type ReactNode, useRef, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { FormField, problemFields } from "../../ui/FormField";
import { ProblemBanner } from "../../ui/ProblemBanner";
import type { MentorOptions, MentorProfile, ProfileChanges, ProfileLink } from "./types";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  row: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalL,
    "> *": { flexGrow: 1, flexBasis: "14em", minWidth: 0 },
  },
  fieldset: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    margin: 0,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM} ${tokens.spacingVerticalM}`,
    minWidth: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  legend: { padding: `0 ${tokens.spacingHorizontalXS}`, fontWeight: tokens.fontWeightSemibold },
  areas: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 18em), 1fr))",
    columnGap: tokens.spacingHorizontalL,
  },
  link: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    alignItems: "flex-end",
    "> .grow": { flexGrow: 1, flexBasis: "14em", minWidth: 0 },
  },
  error: { color: tokens.colorPaletteRedForeground1 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
});

export function toChanges(profile: MentorProfile): ProfileChanges {
  return {
    lastName: profile.lastName,
    firstName: profile.firstName,
    patronymic: profile.patronymic,
    position: profile.position,
    university: profile.workplace.university,
    institute: profile.workplace.institute,
    department: profile.workplace.department,
    areas: profile.areas.map((area) => area.key),
    interests: profile.interests,
    links: profile.links.map((link) => ({ ...link })),
    motto: profile.motto,
    publicContact: profile.publicContact,
  };
}

type TextField = Exclude<keyof ProfileChanges, "areas" | "links">;

export function ProfileForm({
  profile,
  path,
  options,
  onSaved,
  after,
}: {
  profile: MentorProfile;
  /** "/mentors/me" or "/mentors/<id>" */
  path: string;
  options: MentorOptions;
  onSaved(profile: MentorProfile): void;
  /** Shown after the save button, such as a link to the profile. */
  after?: ReactNode;
}) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const formElement = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState<ProfileChanges>(() => toChanges(profile));
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const limits = options.limits;
  const maxLinks = limits.links ?? 10;

  const update = (changes: Partial<ProfileChanges>) => {
    setSaved(false);
    setForm((current) => ({ ...current, ...changes }));
  };
  const updateLink = (index: number, changes: Partial<ProfileLink>) =>
    update({ links: form.links.map((link, position) => (position === index ? { ...link, ...changes } : link)) });

  const count = (name: TextField) =>
    limits[name] ? t("mentors.characters", { count: form[name].normalize("NFC").length, limit: limits[name] }) : undefined;

  const text = (name: TextField, mode: { required?: boolean; multiline?: boolean } = {}) => (
    <FormField
      name={name}
      label={t(`mentors.field.${name}`)}
      required={mode.required}
      hint={mode.multiline ? count(name) : undefined}
      problem={problem}
    >
      {mode.multiline ? (
        <Textarea resize="vertical" rows={4} value={form[name]} onChange={(_, data) => update({ [name]: data.value })} />
      ) : (
        <Input value={form[name]} onChange={(_, data) => update({ [name]: data.value })} />
      )}
    </FormField>
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    setProblem(null);
    try {
      const result = await api.patch<MentorProfile>(path, form);
      onSaved(result);
      setForm(toChanges(result));
      setSaved(true);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : (error as Error));
      // Move to the first field the server marked, which may be far above the button.
      requestAnimationFrame(() => {
        const invalid = formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
        invalid?.focus();
      });
    } finally {
      setSaving(false);
    }
  };

  const areasMessage = problem instanceof ApiProblem ? problem.fieldMessage("areas") : undefined;
  const linksMessage = problem instanceof ApiProblem ? problem.fieldMessage("links") : undefined;

  return (
    <form ref={formElement} className={styles.form} onSubmit={submit} aria-labelledby="profile-heading" noValidate>
      <Subtitle2 as="h2" id="profile-heading">
        {t("mentors.form.title")}
      </Subtitle2>
      <div className={styles.row}>
        {text("lastName", { required: true })}
        {text("firstName", { required: true })}
        {text("patronymic")}
      </div>
      {text("position")}

      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>{t("mentors.form.workplace")}</legend>
        {text("university")}
        <div className={styles.row}>
          {text("institute")}
          {text("department")}
        </div>
      </fieldset>

      <fieldset className={styles.fieldset} aria-describedby={areasMessage ? "areas-error" : undefined}>
        <legend className={styles.legend}>{t("mentors.field.areas")}</legend>
        <div className={styles.areas}>
          {options.rubrics.map((rubric) => (
            <Checkbox
              key={rubric.key}
              label={rubric.title}
              checked={form.areas.includes(rubric.key)}
              onChange={(_, data) =>
                update({
                  areas: data.checked
                    ? [...form.areas, rubric.key]
                    : form.areas.filter((key) => key !== rubric.key),
                })
              }
            />
          ))}
        </div>
        {areasMessage ? (
          <span id="areas-error" className={styles.error} role="alert">
            {areasMessage}
          </span>
        ) : null}
      </fieldset>

      {text("interests", { multiline: true })}

      <fieldset className={styles.fieldset} aria-describedby={linksMessage ? "links-error" : undefined}>
        <legend className={styles.legend}>{t("mentors.field.links")}</legend>
        {form.links.map((link, index) => (
          <div key={index} className={styles.link} role="group" aria-label={t("mentors.form.linkNumber", { number: index + 1 })}>
            <FormField className="grow" name={`linkUrl_${index}`} label={t("mentors.field.linkUrl")} problem={problem}>
              <Input type="url" value={link.url} onChange={(_, data) => updateLink(index, { url: data.value })} />
            </FormField>
            <FormField className="grow" name={`linkTitle_${index}`} label={t("mentors.field.linkTitle")} problem={problem}>
              <Input value={link.title} onChange={(_, data) => updateLink(index, { title: data.value })} />
            </FormField>
            <Button
              icon={<DeleteRegular />}
              aria-label={t("mentors.form.removeLink", { number: index + 1 })}
              title={t("mentors.form.removeLink", { number: index + 1 })}
              onClick={() => update({ links: form.links.filter((_, position) => position !== index) })}
            />
          </div>
        ))}
        <div className={styles.actions}>
          <Button
            icon={<AddRegular />}
            disabled={form.links.length >= maxLinks}
            onClick={() => update({ links: [...form.links, { url: "", title: "" }] })}
          >
            {t("mentors.form.addLink")}
          </Button>
          {form.links.length >= maxLinks ? <span>{t("mentors.form.linksLimit", { limit: maxLinks })}</span> : null}
        </div>
        {linksMessage ? (
          <span id="links-error" className={styles.error} role="alert">
            {linksMessage}
          </span>
        ) : null}
      </fieldset>

      {text("motto", { multiline: true })}
      <FormField
        name="publicContact"
        label={t("mentors.field.publicContact")}
        hint={`${t("mentors.field.publicContactHint")} ${count("publicContact") ?? ""}`.trim()}
        problem={problem}
      >
        <Textarea resize="vertical" rows={3} value={form.publicContact} onChange={(_, data) => update({ publicContact: data.value })} />
      </FormField>

      {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
      {saved ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{t("mentors.form.saved")}</MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" icon={<SaveRegular />} disabled={saving}>
          {saving ? t("form.saving") : t("mentors.form.save")}
        </Button>
        {after}
      </div>
    </form>
  );
}
