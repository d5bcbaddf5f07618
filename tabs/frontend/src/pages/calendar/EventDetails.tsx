// One event: details, register or withdraw, download .ics, and for the
// organiser (or a moderator) edit, cancel and the list of registrants.
import {
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link,
  MessageBar,
  MessageBarBody,
  Subtitle1,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowDownloadRegular,
  ArrowLeftRegular,
  CalendarCancelRegular,
  EditRegular,
  PersonAddRegular,
  PersonDeleteRegular,
} from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { EventBadges, formatSpan } from "./EventCard";
import type { CalendarEvent, Registrant, RegistrationState } from "./types";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "52em" },
  back: { alignSelf: "flex-start" },
  heading: { margin: 0, overflowWrap: "anywhere" },
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content minmax(0, 1fr)",
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    "@media (max-width: 480px)": { gridTemplateColumns: "minmax(0, 1fr)" },
  },
  term: { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, overflowWrap: "anywhere" },
  description: { whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  registrants: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
});

function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function EventDetails({ eventId }: { eventId: number }) {
  const t = useT();
  const api = useApi();
  const format = useFormat();
  const route = useRoute();
  const styles = useStyles();
  const [event, setEvent] = useState<CalendarEvent | null>(null);
  const [registrants, setRegistrants] = useState<Registrant[] | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [loadProblem, setLoadProblem] = useState<ApiProblem | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const load = useCallback(async () => {
    setLoadProblem(null);
    try {
      const loaded = await api.get<CalendarEvent>(`/events/${eventId}`);
      setEvent(loaded);
      setRegistrants(loaded.canEdit ? await api.get<Registrant[]>(`/events/${eventId}/registrations`) : null);
    } catch (error) {
      setLoadProblem(error as Error);
    }
  }, [api, eventId]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      await action();
      await load();
      if (done) setNotice(done);
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };

  if (loadProblem) {
    return (
      <div className={styles.root}>
        <Link className={styles.back} href="#/">
          {t("calendar.back")}
        </Link>
        <ProblemBanner problem={loadProblem} onRetry={() => void load()} />
      </div>
    );
  }
  if (!event) return <Loading />;

  const cancelled = event.status === "cancelled";
  const ended = Date.parse(event.endsAt) <= Date.now();
  const full = event.placesLeft === 0 && !event.isRegistered;
  const sameZone = event.timeZone === format.timeZone;

  return (
    <article className={styles.root} aria-labelledby="event-heading">
      <Button
        className={styles.back}
        appearance="subtle"
        icon={<ArrowLeftRegular />}
        onClick={() => route.navigate("/")}
      >
        {t("calendar.back")}
      </Button>
      <Subtitle1 as="h2" id="event-heading" className={styles.heading}>
        {event.title}
      </Subtitle1>
      <EventBadges event={event} t={t} />
      {cancelled ? (
        <MessageBar intent="warning">
          <MessageBarBody>{t("calendar.event.cancelledNotice")}</MessageBarBody>
        </MessageBar>
      ) : null}
      {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
      {notice ? (
        <MessageBar intent="success">
          <MessageBarBody role="status">{notice}</MessageBarBody>
        </MessageBar>
      ) : null}

      <dl className={styles.facts}>
        <dt className={styles.term}>{t("calendar.event.when")}</dt>
        <dd className={styles.value}>
          <time dateTime={event.startsAt}>{formatSpan(event, format)}</time>
          <Caption1 block>
            {sameZone
              ? t("calendar.shownIn", { zone: format.timeZone })
              : t("calendar.event.enteredIn", {
                  zone: event.timeZone,
                  start: event.startsLocal.replace("T", " "),
                })}
          </Caption1>
        </dd>
        <dt className={styles.term}>{t("calendar.event.format")}</dt>
        <dd className={styles.value}>
          {event.kind === "online" ? t("calendar.kind.online") : t("calendar.kind.offline")}
        </dd>
        {event.location ? (
          <>
            <dt className={styles.term}>{t("calendar.event.location")}</dt>
            <dd className={styles.value}>{event.location}</dd>
          </>
        ) : null}
        {event.meetingUrl ? (
          <>
            <dt className={styles.term}>{t("calendar.event.meeting")}</dt>
            <dd className={styles.value}>
              <Link href={event.meetingUrl} target="_blank" rel="noopener noreferrer">
                {t("calendar.event.join")}
              </Link>
            </dd>
          </>
        ) : null}
        <dt className={styles.term}>{t("calendar.event.organiser")}</dt>
        <dd className={styles.value}>{event.organiserName ?? t("calendar.event.organiserHidden")}</dd>
        {event.rubrics.length > 0 ? (
          <>
            <dt className={styles.term}>{t("calendar.event.rubrics")}</dt>
            <dd className={styles.value}>{event.rubrics.map((rubric) => rubric.title).join(", ")}</dd>
          </>
        ) : null}
        <dt className={styles.term}>{t("calendar.event.places")}</dt>
        <dd className={styles.value}>
          {event.capacity === null
            ? t("calendar.event.registeredUnlimited", { count: event.registeredCount })
            : t("calendar.event.registeredOf", { count: event.registeredCount, capacity: event.capacity })}
        </dd>
      </dl>

      {event.description ? <Body1 className={styles.description}>{event.description}</Body1> : null}

      <div className={styles.actions}>
        {event.isRegistered ? (
          <Button
            icon={<PersonDeleteRegular />}
            disabled={busy}
            onClick={() =>
              void run(
                () => api.del<RegistrationState>(`/events/${event.id}/registration`),
                t("calendar.event.unregistered"),
              )
            }
          >
            {t("calendar.event.unregister")}
          </Button>
        ) : (
          <Button
            appearance="primary"
            icon={<PersonAddRegular />}
            disabled={busy || cancelled || ended || full}
            onClick={() =>
              void run(
                () => api.put<RegistrationState>(`/events/${event.id}/registration`),
                t("calendar.event.registered"),
              )
            }
          >
            {full ? t("calendar.event.full") : t("calendar.event.register")}
          </Button>
        )}
        <Button
          icon={<ArrowDownloadRegular />}
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const { blob, filename } = await api.download(`/events/${event.id}/ics`);
              saveBlob(blob, filename ?? `event-${event.id}.ics`);
            })
          }
        >
          {t("calendar.event.downloadIcs")}
        </Button>
        {event.canEdit && !cancelled ? (
          <>
            <Button icon={<EditRegular />} onClick={() => route.navigate(`/events/${event.id}/edit`)}>
              {t("calendar.event.edit")}
            </Button>
            <Button icon={<CalendarCancelRegular />} disabled={busy} onClick={() => setConfirming(true)}>
              {t("calendar.event.cancel")}
            </Button>
            {confirming ? (
              // Mounted only while open: a mounted Fluent Dialog makes tabster add
              // focusable aria-hidden sentinels to the page, which axe-core rejects.
              <Dialog open onOpenChange={(_, data) => setConfirming(data.open)}>
                <DialogSurface>
                  <DialogBody>
                    <DialogTitle>{t("calendar.event.cancelConfirmTitle")}</DialogTitle>
                    <DialogContent>{t("calendar.event.cancelConfirm")}</DialogContent>
                    <DialogActions>
                      <Button appearance="secondary" onClick={() => setConfirming(false)}>
                        {t("calendar.event.keep")}
                      </Button>
                      <Button
                        appearance="primary"
                        onClick={() => {
                          setConfirming(false);
                          void run(() => api.post(`/events/${event.id}/cancel`), t("calendar.event.cancelledDone"));
                        }}
                      >
                        {t("calendar.event.cancelConfirmButton")}
                      </Button>
                    </DialogActions>
                  </DialogBody>
                </DialogSurface>
              </Dialog>
            ) : null}
          </>
        ) : null}
      </div>

      {registrants ? (
        <section aria-labelledby="registrants-heading">
          <Subtitle2 as="h3" id="registrants-heading">
            {t("calendar.event.registrants", { count: registrants.length })}
          </Subtitle2>
          {registrants.length === 0 ? (
            <Body1 as="p">{t("calendar.event.noRegistrants")}</Body1>
          ) : (
            <ul className={styles.registrants}>
              {registrants.map((registrant, index) => (
                <li key={registrant.userId ?? `hidden-${index}`}>
                  {registrant.displayName ?? t("calendar.event.hiddenRegistrant")}{" "}
                  <Caption1>({format.dateTime(registrant.registeredAt)})</Caption1>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </article>
  );
}
