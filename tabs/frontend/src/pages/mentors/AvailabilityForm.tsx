// Availability: away until a date, and how many open cases at most. The
// mentor's own form uses the same operation as the bot's availability card.
import { Button, Caption1, Input, MessageBar, MessageBarBody, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import { SaveRegular } from "@fluentui/react-icons";
import { type FormEvent, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { FormField, problemFields } from "../../ui/FormField";
import { ProblemBanner } from "../../ui/ProblemBanner";
import type { MentorSettings } from "./types";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  row: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalL,
    alignItems: "flex-start",
    "> *": { flexGrow: 1, flexBasis: "14em", minWidth: 0 },
  },
  hint: { color: tokens.colorNeutralForeground2 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
});

/** Today's date in the user's time zone as YYYY-MM-DD, the earliest away date the server accepts. */
function todayIn(timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return parts.format(new Date());
}

export function AvailabilityForm({
  settings,
  own,
  mentorId,
  timeZone,
  maxOpenCasesLimit,
  onSaved,
}: {
  settings: MentorSettings;
  /** The signed-in mentor's own profile, saved with PUT /mentors/me/availability. */
  own: boolean;
  mentorId: number;
  timeZone: string;
  maxOpenCasesLimit: number;
  onSaved(settings: MentorSettings): void;
}) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const [awayUntil, setAwayUntil] = useState(settings.awayUntil ?? "");
  const [maxOpenCases, setMaxOpenCases] = useState(String(settings.maxOpenCases));
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    setProblem(null);
    // Send the typed text as it is, so the server names any mistake in it.
    const body = { awayUntil: awayUntil || null, maxOpenCases: /^\d+$/.test(maxOpenCases) ? Number(maxOpenCases) : maxOpenCases };
    try {
      if (own) {
        onSaved(await api.put<MentorSettings>("/mentors/me/availability", body));
      } else {
        const profile = await api.patch<{ settings?: MentorSettings }>(`/mentors/${mentorId}`, body);
        if (profile.settings) onSaved(profile.settings);
      }
      setSaved(true);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : (error as Error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className={styles.root} onSubmit={submit} aria-labelledby="availability-heading" noValidate>
      <Subtitle2 as="h2" id="availability-heading">
        {t("mentors.availability.title")}
      </Subtitle2>
      <div className={styles.row}>
        <FormField name="awayUntil" label={t("mentors.field.awayUntil")} hint={t("mentors.field.awayUntilHint")} problem={problem}>
          <Input type="date" value={awayUntil} min={todayIn(timeZone)} onChange={(_, data) => setAwayUntil(data.value)} />
        </FormField>
        <FormField name="maxOpenCases" label={t("mentors.field.maxOpenCases")} problem={problem}>
          <Input
            type="number"
            min={1}
            max={maxOpenCasesLimit}
            inputMode="numeric"
            value={maxOpenCases}
            onChange={(_, data) => setMaxOpenCases(data.value)}
          />
        </FormField>
      </div>
      <Caption1 className={styles.hint}>
        {t("mentors.openCases", { open: settings.openCases, max: settings.maxOpenCases })}
      </Caption1>
      {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}
      {saved ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{t("mentors.availability.saved")}</MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.actions}>
        <Button type="submit" icon={<SaveRegular />} disabled={saving}>
          {saving ? t("form.saving") : t("mentors.availability.save")}
        </Button>
      </div>
    </form>
  );
}
