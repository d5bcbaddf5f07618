// One event in a list: title link, when and where, and what the user is to it.
import { Badge, Body1, Caption1, Link, makeStyles, tokens } from "@fluentui/react-components";
import { CalendarCancelRegular, TagRegular, LocationRegular, VideoRegular } from "@fluentui/react-icons";
import type { Translate } from "../../i18n";
import { useT } from "../../i18n";
import { useFormat, type Formatter } from "../../format";
import type { CalendarEvent } from "./types";

const useStyles = makeStyles({
  card: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  title: {
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
    overflowWrap: "anywhere",
  },
  cancelled: { textDecorationLine: "line-through" },
  row: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground2,
    overflowWrap: "anywhere",
  },
  badges: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalXS },
});

/** "14 May 2030, 18:00 – 19:30" or, across days, both full dates. */
export function formatSpan(event: CalendarEvent, format: Formatter): string {
  const sameDay = format.dayKey(event.startsAt) === format.dayKey(event.endsAt);
  const end = sameDay ? format.time(event.endsAt) : format.dateTime(event.endsAt);
  return `${format.dateTime(event.startsAt)} – ${end}`;
}

/** Badges naming what the user is to the event and its state, in words, not colour alone. */
export function EventBadges({ event, t }: { event: CalendarEvent; t: Translate }) {
  const styles = useStyles();
  return (
    <span className={styles.badges}>
      {event.status === "cancelled" ? (
        <Badge appearance="filled" color="danger" icon={<CalendarCancelRegular />}>
          {t("calendar.status.cancelled")}
        </Badge>
      ) : null}
      {event.isOrganiser ? <Badge appearance="tint" color="brand">{t("calendar.relation.organiser")}</Badge> : null}
      {event.isRegistered ? <Badge appearance="tint" color="success">{t("calendar.relation.registered")}</Badge> : null}
      {event.isConsultation ? <Badge appearance="tint" color="important">{t("calendar.relation.consultation")}</Badge> : null}
      {!event.isPublic ? <Badge appearance="outline" color="informative">{t("calendar.private")}</Badge> : null}
    </span>
  );
}

export function EventCard({ event, headingLevel = 3 }: { event: CalendarEvent; headingLevel?: 2 | 3 | 4 }) {
  const t = useT();
  const format = useFormat();
  const styles = useStyles();
  const Heading = `h${headingLevel}` as const;
  return (
    <article className={styles.card} aria-labelledby={`event-${event.id}-title`}>
      <Heading className={styles.title} style={{ margin: 0 }} id={`event-${event.id}-title`}>
        <Link href={`#/events/${event.id}`} className={event.status === "cancelled" ? styles.cancelled : undefined}>
          {event.title}
        </Link>
      </Heading>
      <Body1 className={styles.row}>
        <time dateTime={event.startsAt}>{formatSpan(event, format)}</time>
      </Body1>
      <Caption1 className={styles.row}>
        {event.kind === "online" ? <VideoRegular aria-hidden /> : <LocationRegular aria-hidden />}
        <span>{event.kind === "online" ? t("calendar.kind.online") : event.location}</span>
        {event.rubrics.length > 0 ? (
          <>
            <TagRegular aria-hidden />
            <span>{event.rubrics.map((rubric) => rubric.title).join(", ")}</span>
          </>
        ) : null}
        {event.capacity !== null ? (
          <span>{t("calendar.placesLeft", { count: event.placesLeft ?? 0, capacity: event.capacity })}</span>
        ) : null}
      </Caption1>
      <EventBadges event={event} t={t} />
    </article>
  );
}
