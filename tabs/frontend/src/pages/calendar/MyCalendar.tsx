// The personal calendar: my events, the events I registered for and my
// consultations, by month, week or as a list, in my time zone.
import {
  Button,
  Caption1,
  Field,
  Link,
  Select,
  Subtitle2,
  ToggleButton,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { CalendarTodayRegular, ChevronLeftRegular, ChevronRightRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { createFormatter, useFormat } from "../../format";
import { useLocale, useT } from "../../i18n";
import { useSession } from "../../session";
import { EmptyState } from "../../ui/EmptyState";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { EventCard } from "./EventCard";
import {
  type DayKey,
  addDays,
  addMonths,
  dayAsDate,
  daysBetween,
  daysCovered,
  monthStart,
  weekStart,
} from "./time";
import type { CalendarEvent, CalendarRange } from "./types";

export type CalendarView = "month" | "week" | "list";
const LIST_DAYS = 31;

const useStyles = makeStyles({
  toolbar: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    marginBottom: tokens.spacingVerticalM,
  },
  views: { display: "flex", gap: tokens.spacingHorizontalXS },
  period: { flexGrow: 1, margin: 0, minWidth: "10em" },
  zone: { minWidth: "14em", maxWidth: "100%" },
  grid: {
    display: "grid",
    gridTemplateColumns: "repeat(7, minmax(0, 1fr))",
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    overflow: "hidden",
    backgroundColor: tokens.colorNeutralStroke2,
    gap: tokens.strokeWidthThin,
  },
  weekday: {
    padding: tokens.spacingVerticalXS,
    textAlign: "center",
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
  },
  day: {
    minHeight: "5.5em",
    minWidth: 0,
    padding: tokens.spacingHorizontalXS,
    backgroundColor: tokens.colorNeutralBackground1,
    display: "flex",
    flexDirection: "column",
    gap: "2px",
  },
  weekDay: { minHeight: "10em" },
  otherMonth: { backgroundColor: tokens.colorNeutralBackground2, color: tokens.colorNeutralForeground3 },
  dayNumber: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  today: {
    alignSelf: "flex-start",
    color: tokens.colorNeutralForegroundOnBrand,
    backgroundColor: tokens.colorBrandBackground,
    borderRadius: tokens.borderRadiusCircular,
    padding: "0 6px",
  },
  chip: {
    display: "block",
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    padding: "1px 4px",
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorNeutralForeground1,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    textDecorationLine: "none",
    ":hover": { textDecorationLine: "underline" },
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  chipCancelled: { textDecorationLine: "line-through", backgroundColor: tokens.colorNeutralBackground3 },
  list: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  listDay: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  listHeading: { margin: 0 },
  legend: { color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalS, display: "block" },
});

/** Return the first day shown and the day after the last one, for a view around an anchor day. */
export function viewRange(view: CalendarView, anchor: DayKey): [DayKey, DayKey] {
  if (view === "week") {
    const start = weekStart(anchor);
    return [start, addDays(start, 7)];
  }
  if (view === "list") return [anchor, addDays(anchor, LIST_DAYS)];
  const start = weekStart(monthStart(anchor));
  return [start, addDays(start, 42)];
}

function moveAnchor(view: CalendarView, anchor: DayKey, step: number): DayKey {
  if (view === "month") return addMonths(monthStart(anchor), step);
  if (view === "week") return addDays(anchor, 7 * step);
  return addDays(anchor, LIST_DAYS * step);
}

export function MyCalendar() {
  const t = useT();
  const locale = useLocale();
  const api = useApi();
  const session = useSession();
  const format = useFormat();
  const styles = useStyles();
  const zone = format.timeZone;
  const today = format.dayKey(new Date());

  const [view, setView] = useState<CalendarView>("month");
  const [anchor, setAnchor] = useState<DayKey>(today);
  const [data, setData] = useState<CalendarRange | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [zones, setZones] = useState<string[]>([]);
  const [zoneProblem, setZoneProblem] = useState<ApiProblem | null>(null);
  const [from, to] = viewRange(view, anchor);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<CalendarRange>("/calendar", { query: { from, to }, signal })
        .then(setData)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, from, to],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load, zone]);

  useEffect(() => {
    api
      .get<{ timeZones: string[] }>("/calendar/options")
      .then((options) => setZones(options.timeZones))
      .catch(() => setZones([zone]));
  }, [api, zone]);

  const changeZone = async (value: string) => {
    setZoneProblem(null);
    try {
      await api.patch("/me", { timeZone: value });
      await session.refresh();
    } catch (error) {
      setZoneProblem(error as ApiProblem);
    }
  };

  const byDay = useMemo(() => {
    const days = new Map<DayKey, CalendarEvent[]>();
    for (const event of data?.items ?? []) {
      for (const day of daysCovered(event.startsAt, event.endsAt, zone)) {
        const list = days.get(day) ?? [];
        list.push(event);
        days.set(day, list);
      }
    }
    return days;
  }, [data, zone]);

  // Day names and titles are formatted as calendar dates, so in UTC.
  const dayFormat = useMemo(() => createFormatter(locale, "UTC"), [locale]);
  const weekdayNames = useMemo(() => {
    const names = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { weekday: "short", timeZone: "UTC" });
    return Array.from({ length: 7 }, (_, index) => names.format(dayAsDate(addDays("2030-01-07", index))));
  }, [locale]);
  const monthTitle = new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(dayAsDate(monthStart(anchor)));
  const periodTitle =
    view === "month" ? monthTitle : `${dayFormat.date(dayAsDate(from))} – ${dayFormat.date(dayAsDate(addDays(to, -1)))}`;

  const chip = (event: CalendarEvent) => (
    <a
      key={`${event.id}`}
      href={`#/events/${event.id}`}
      className={mergeClasses(styles.chip, event.status === "cancelled" && styles.chipCancelled)}
      title={event.title}
    >
      {format.time(event.startsAt)} {event.title}
      {event.status === "cancelled" ? ` (${t("calendar.status.cancelled")})` : ""}
    </a>
  );

  const days = Array.from({ length: daysBetween(from, to) }, (_, index) => addDays(from, index));

  return (
    <section aria-labelledby="my-calendar-period">
      <div className={styles.toolbar}>
        <div role="group" aria-label={t("calendar.view.label")} className={styles.views}>
          {(["month", "week", "list"] as const).map((name) => (
            <ToggleButton key={name} checked={view === name} onClick={() => setView(name)} size="small">
              {t(`calendar.view.${name}`)}
            </ToggleButton>
          ))}
        </div>
        <div className={styles.views}>
          <Button
            size="small"
            icon={<ChevronLeftRegular />}
            aria-label={t("calendar.previous")}
            title={t("calendar.previous")}
            onClick={() => setAnchor(moveAnchor(view, anchor, -1))}
          />
          <Button size="small" icon={<CalendarTodayRegular />} onClick={() => setAnchor(today)}>
            {t("calendar.today")}
          </Button>
          <Button
            size="small"
            icon={<ChevronRightRegular />}
            aria-label={t("calendar.next")}
            title={t("calendar.next")}
            onClick={() => setAnchor(moveAnchor(view, anchor, 1))}
          />
        </div>
        <Subtitle2 as="h2" id="my-calendar-period" className={styles.period} aria-live="polite">
          {periodTitle}
        </Subtitle2>
        <Field
          label={t("calendar.yourZone")}
          orientation="horizontal"
          size="small"
          validationState={zoneProblem ? "error" : undefined}
          validationMessage={zoneProblem?.fieldMessage("timeZone") ?? zoneProblem?.detail}
        >
          <Select size="small" className={styles.zone} value={zone} onChange={(_, value) => void changeZone(value.value)}>
            {(zones.length ? zones : [zone]).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : null}
      {!data && !problem ? <Loading /> : null}

      {data && view !== "list" ? (
        <div className={styles.grid} role="table" aria-label={periodTitle}>
          <div role="row" style={{ display: "contents" }}>
            {weekdayNames.map((name) => (
              <div key={name} role="columnheader" className={styles.weekday}>
                {name}
              </div>
            ))}
          </div>
          {Array.from({ length: days.length / 7 }, (_, week) => (
            <div role="row" key={week} style={{ display: "contents" }}>
              {days.slice(week * 7, week * 7 + 7).map((day) => {
                const events = byDay.get(day) ?? [];
                const outside = view === "month" && day.slice(0, 7) !== monthStart(anchor).slice(0, 7);
                return (
                  <div
                    key={day}
                    role="cell"
                    aria-label={dayFormat.date(dayAsDate(day))}
                    className={mergeClasses(styles.day, view === "week" && styles.weekDay, outside && styles.otherMonth)}
                  >
                    <span className={mergeClasses(styles.dayNumber, day === today && styles.today)}>
                      {view === "week" ? dayFormat.shortDate(dayAsDate(day)) : Number(day.slice(8, 10))}
                    </span>
                    {events.map(chip)}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      ) : null}

      {data && view === "list" ? (
        data.items.length === 0 ? (
          <EmptyState title={t("calendar.my.empty")}>
            {t("calendar.my.emptyHint")} <Link href="#/new">{t("calendar.create")}</Link>
          </EmptyState>
        ) : (
          <div className={styles.list}>
            {days
              .filter((day) => byDay.has(day))
              .map((day) => (
                <section key={day} className={styles.listDay} aria-labelledby={`day-${day}`}>
                  <Subtitle2 as="h3" id={`day-${day}`} className={styles.listHeading}>
                    {dayFormat.date(dayAsDate(day))}
                  </Subtitle2>
                  {(byDay.get(day) ?? []).map((event) => (
                    <EventCard key={event.id} event={event} headingLevel={4} />
                  ))}
                </section>
              ))}
          </div>
        )
      ) : null}
      {data ? (
        <Caption1 className={styles.legend}>
          {t("calendar.shownIn", { zone })} · {t("calendar.count", { count: data.items.length })}
        </Caption1>
      ) : null}
    </section>
  );
}
