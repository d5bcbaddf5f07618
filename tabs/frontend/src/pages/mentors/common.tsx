// Pieces shared by the mentor list, the profile and the editor.
import { Avatar, Badge, makeStyles, tokens } from "@fluentui/react-components";
import { useLocale, useT } from "../../i18n";
import type { MentorSummary, Rubric } from "./types";

const useStyles = makeStyles({
  areas: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalXS,
    listStyleType: "none",
    margin: 0,
    padding: 0,
  },
  badge: { maxWidth: "100%", whiteSpace: "normal", height: "auto", textAlign: "start" },
});

// The list's last route with its filters and page, so "All mentors" returns to it.
let lastListPath = "/";

export function rememberListPath(path: string): void {
  lastListPath = path;
}

export function listPath(): string {
  return lastListPath;
}

/** Format an ISO date ("2030-05-14") as a day in the user's language, with no time-zone shift. */
export function formatDay(isoDate: string, locale: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** Show the mentor's photo, or their initials on a coloured circle. */
export function MentorAvatar({ mentor, size }: { mentor: MentorSummary; size: 48 | 64 | 96 | 128 }) {
  const t = useT();
  return (
    <Avatar
      size={size}
      name={mentor.fullName}
      color="colorful"
      image={mentor.photoUrl ? { src: mentor.photoUrl, alt: t("mentors.photoOf", { name: mentor.fullName }) } : undefined}
    />
  );
}

/** Show "Available now", "Away until 14 May 2030" or "No free places". */
export function AvailabilityBadge({ mentor }: { mentor: MentorSummary }) {
  const t = useT();
  const locale = useLocale();
  const styles = useStyles();
  if (mentor.availability === "away") {
    const text = mentor.awayUntil
      ? t("mentors.awayUntil", { date: formatDay(mentor.awayUntil, locale) })
      : t("mentors.availability.away");
    return (
      <Badge className={styles.badge} appearance="tint" color="warning">
        {text}
      </Badge>
    );
  }
  if (mentor.availability === "full") {
    return (
      <Badge className={styles.badge} appearance="tint" color="subtle">
        {t("mentors.availability.full")}
      </Badge>
    );
  }
  return (
    <Badge className={styles.badge} appearance="tint" color="success">
      {t("mentors.availability.available")}
    </Badge>
  );
}

/** Show the rubric titles of a mentor's areas of advice as a list of badges. */
export function AreaList({ areas, label }: { areas: Rubric[]; label: string }) {
  const styles = useStyles();
  return (
    <ul className={styles.areas} aria-label={label}>
      {areas.map((area) => (
        <li key={area.key}>
          <Badge className={styles.badge} appearance="outline" color="brand">
            {area.title}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
