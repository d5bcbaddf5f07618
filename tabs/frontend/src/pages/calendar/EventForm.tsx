// Create or edit an event. Start and end are wall times in a chosen IANA zone.
// The hints under them show what the server will store. A skipped time
// (clocks move forward) is flagged, and a repeated one (clocks move back)
// means its first occurrence. A time in another zone is also shown in the user's.
import {
  Button,
  Caption1,
  Checkbox,
  Input,
  Radio,
  RadioGroup,
  Select,
  Switch,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { SaveRegular } from "@fluentui/react-icons";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { FormField, problemFields } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { addDays, instantToWall, wallToInstant } from "./time";
import type { CalendarEvent, CalendarOptions, EventFormBody, EventKind } from "./types";

const TITLE_LIMIT = 200;
const DESCRIPTION_LIMIT = 5000;

const useStyles = makeStyles({
  form: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    maxWidth: "48em",
  },
  row: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "flex-start",
    gap: tokens.spacingHorizontalL,
    "& > *": { flexGrow: 1, flexBasis: "14em", minWidth: 0 },
  },
  fill: { width: "100%", minWidth: 0, boxSizing: "border-box" },
  rubrics: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalL },
  hint: { color: tokens.colorNeutralForeground2 },
  warning: { color: tokens.colorPaletteRedForeground1 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  fieldset: { border: "none", margin: 0, padding: 0, minWidth: 0 },
  legend: { padding: 0, marginBottom: tokens.spacingVerticalXS, fontWeight: tokens.fontWeightSemibold },
});

interface FormState {
  kind: EventKind;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  location: string;
  meetingUrl: string;
  rubrics: string[];
  isPublic: boolean;
  capacity: string;
}

function emptyForm(zone: string): FormState {
  const tomorrow = addDays(instantToWall(new Date(), zone).slice(0, 10), 1);
  return {
    kind: "online",
    title: "",
    description: "",
    startsAt: `${tomorrow}T18:00`,
    endsAt: `${tomorrow}T19:30`,
    timeZone: zone,
    location: "",
    meetingUrl: "",
    rubrics: [],
    isPublic: true,
    capacity: "",
  };
}

function formOf(event: CalendarEvent): FormState {
  return {
    kind: event.kind,
    title: event.title,
    description: event.description,
    startsAt: event.startsLocal,
    endsAt: event.endsLocal,
    timeZone: event.timeZone,
    location: event.location,
    meetingUrl: event.meetingUrl ?? "",
    rubrics: event.rubrics.map((rubric) => rubric.key),
    isPublic: event.isPublic,
    capacity: event.capacity === null ? "" : String(event.capacity),
  };
}

function bodyOf(form: FormState): EventFormBody {
  const capacity = form.capacity.trim();
  return {
    ...form,
    meetingUrl: form.meetingUrl.trim() || null,
    capacity: capacity === "" ? null : /^\d+$/.test(capacity) ? Number(capacity) : capacity,
  };
}

/** Keep the event's length when the start moves, if the end was after the old start. */
function shiftEnd(form: FormState, startsAt: string): string {
  const oldStart = Date.parse(`${form.startsAt}:00Z`);
  const oldEnd = Date.parse(`${form.endsAt}:00Z`);
  const newStart = Date.parse(`${startsAt}:00Z`);
  if ([oldStart, oldEnd, newStart].some(Number.isNaN) || oldEnd <= oldStart) return form.endsAt;
  return new Date(newStart + (oldEnd - oldStart)).toISOString().slice(0, 16);
}

function TimeHint({ wall, zone }: { wall: string; zone: string }) {
  const t = useT();
  const format = useFormat();
  const styles = useStyles();
  const result = wallToInstant(wall, zone);
  if (result.kind === "invalid") return null;
  if (result.kind === "skipped") {
    return <Caption1 className={styles.warning}>{t("calendar.form.skippedTime", { zone })}</Caption1>;
  }
  const parts: string[] = [];
  if (result.kind === "repeated") parts.push(t("calendar.form.repeatedTime", { zone }));
  if (zone !== format.timeZone) {
    parts.push(t("calendar.form.inYourZone", { zone: format.timeZone, time: format.dateTime(result.instant) }));
  }
  return parts.length ? <Caption1 className={styles.hint}>{parts.join(" ")}</Caption1> : null;
}

export function EventForm({ eventId }: { eventId?: number }) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const route = useRoute();
  const styles = useStyles();
  const [options, setOptions] = useState<CalendarOptions | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    Promise.all([
      api.get<CalendarOptions>("/calendar/options", { signal }),
      eventId ? api.get<CalendarEvent>(`/events/${eventId}`, { signal }) : Promise.resolve(null),
    ])
      .then(([loaded, event]) => {
        setOptions(loaded);
        setForm(event ? formOf(event) : emptyForm(loaded.timeZone || format.timeZone));
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as Error);
      });
    return () => controller.abort();
  }, [api, eventId, format.timeZone]);

  const zones = useMemo(() => {
    const list = options?.timeZones ?? [];
    return form && !list.includes(form.timeZone) ? [form.timeZone, ...list] : list;
  }, [options, form]);

  if (!form || !options) {
    return problem ? <ProblemBanner problem={problem} /> : <Loading />;
  }

  let submitLabel = eventId ? t("form.save") : t("calendar.form.submit");
  if (saving) submitLabel = t("form.saving");
  const rubricsMessage = problem instanceof ApiProblem ? problem.fieldMessage("rubrics") : undefined;

  const update = <K extends keyof FormState>(name: K, value: FormState[K]) =>
    setForm((current) => (current ? { ...current, [name]: value } : current));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setProblem(null);
    try {
      const saved = eventId
        ? await api.patch<CalendarEvent>(`/events/${eventId}`, bodyOf(form))
        : await api.post<CalendarEvent>("/events", bodyOf(form));
      route.navigate(`/events/${saved.id}`);
    } catch (error) {
      // The form keeps everything typed; the messages show next to the fields.
      setProblem(error as Error);
      window.scrollTo({ top: 0 });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className={styles.form} onSubmit={(event) => void submit(event)} noValidate aria-labelledby="event-form-heading">
      <h2 id="event-form-heading" style={{ margin: 0 }}>
        {eventId ? t("calendar.form.editTitle") : t("calendar.form.createTitle")}
      </h2>
      {problem ? <ProblemBanner problem={problem} fieldsShownInline={problemFields(problem)} /> : null}

      <FormField name="kind" label={t("calendar.form.kind")} problem={problem}>
        <RadioGroup
          layout="horizontal"
          value={form.kind}
          onChange={(_, data) => update("kind", data.value as EventKind)}
        >
          <Radio value="online" label={t("calendar.form.kindOnline")} />
          <Radio value="offline" label={t("calendar.form.kindOffline")} />
        </RadioGroup>
      </FormField>

      <FormField
        name="title"
        label={t("calendar.form.title")}
        required
        problem={problem}
        hint={t("calendar.form.charactersLeft", { count: TITLE_LIMIT - form.title.length })}
      >
        <Input value={form.title} onChange={(_, data) => update("title", data.value)} />
      </FormField>

      <FormField name="description" label={t("calendar.form.description")} problem={problem}>
        <Textarea
          value={form.description}
          resize="vertical"
          rows={5}
          onChange={(_, data) => update("description", data.value.slice(0, DESCRIPTION_LIMIT + 100))}
        />
      </FormField>

      <div className={styles.row}>
        <FormField name="startsAt" label={t("calendar.form.start")} required problem={problem}>
          <Input
            className={styles.fill}
            type="datetime-local"
            value={form.startsAt}
            onChange={(_, data) => {
              const endsAt = shiftEnd(form, data.value);
              setForm({ ...form, startsAt: data.value, endsAt });
            }}
          />
        </FormField>
        <FormField name="endsAt" label={t("calendar.form.end")} required problem={problem}>
          <Input className={styles.fill} type="datetime-local" value={form.endsAt} onChange={(_, data) => update("endsAt", data.value)} />
        </FormField>
        <FormField name="timeZone" label={t("calendar.form.timeZone")} required problem={problem}>
          <Select className={styles.fill} value={form.timeZone} onChange={(_, data) => update("timeZone", data.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <div aria-live="polite">
        <TimeHint wall={form.startsAt} zone={form.timeZone} />{" "}
        <TimeHint wall={form.endsAt} zone={form.timeZone} />
      </div>

      <FormField
        name="location"
        label={form.kind === "offline" ? t("calendar.form.location") : t("calendar.form.locationOptional")}
        required={form.kind === "offline"}
        problem={problem}
      >
        <Input value={form.location} onChange={(_, data) => update("location", data.value)} />
      </FormField>

      <FormField
        name="meetingUrl"
        label={t("calendar.form.meetingUrl")}
        hint={t("calendar.form.meetingUrlHint")}
        problem={problem}
      >
        <Input
          type="url"
          inputMode="url"
          placeholder="https://"
          value={form.meetingUrl}
          onChange={(_, data) => update("meetingUrl", data.value)}
        />
      </FormField>

      <fieldset className={styles.fieldset} aria-describedby={rubricsMessage ? "rubrics-message" : undefined}>
        <legend className={styles.legend}>{t("calendar.form.rubrics")}</legend>
        <div className={styles.rubrics}>
          {options.rubrics.map((rubric) => (
            <Checkbox
              key={rubric.key}
              label={rubric.title}
              checked={form.rubrics.includes(rubric.key)}
              onChange={(_, data) =>
                update(
                  "rubrics",
                  data.checked ? [...form.rubrics, rubric.key] : form.rubrics.filter((key) => key !== rubric.key),
                )
              }
            />
          ))}
        </div>
        {rubricsMessage ? (
          <Caption1 id="rubrics-message" className={styles.warning}>
            {rubricsMessage}
          </Caption1>
        ) : null}
      </fieldset>

      <div className={styles.row}>
        <FormField name="isPublic" label={t("calendar.form.visibility")} problem={problem}>
          <Switch
            checked={form.isPublic}
            label={form.isPublic ? t("calendar.form.public") : t("calendar.form.private")}
            onChange={(_, data) => update("isPublic", data.checked)}
          />
        </FormField>
        <FormField
          name="capacity"
          label={t("calendar.form.capacity")}
          hint={t("calendar.form.capacityHint")}
          problem={problem}
        >
          <Input
            inputMode="numeric"
            value={form.capacity}
            onChange={(_, data) => update("capacity", data.value)}
          />
        </FormField>
      </div>

      <div className={styles.actions}>
        <Button appearance="primary" type="submit" icon={<SaveRegular />} disabled={saving}>
          {submitLabel}
        </Button>
        <Button
          type="button"
          onClick={() => route.navigate(eventId ? `/events/${eventId}` : "/")}
          disabled={saving}
        >
          {t("form.cancel")}
        </Button>
      </div>
    </form>
  );
}
