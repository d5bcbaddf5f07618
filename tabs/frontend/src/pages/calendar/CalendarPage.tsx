// The Calendar tab. Routes inside it (the hash):
//   #/?tab=my|public|feed   my calendar, public events, the subscription feed
//   #/new                   create an event
//   #/events/<id>           one event
//   #/events/<id>/edit      edit an event
import { Button, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { CalendarAddRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { useApi } from "../../api";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { PageLayout } from "../../ui/PageLayout";
import { EventDetails } from "./EventDetails";
import { EventForm } from "./EventForm";
import { FeedPanel } from "./FeedPanel";
import { MyCalendar } from "./MyCalendar";
import { PublicEvents } from "./PublicEvents";
import type { CalendarOptions, Rubric } from "./types";

const TABS = ["my", "public", "feed"] as const;
type CalendarTab = (typeof TABS)[number];

// Section links styled as tabs. Fluent's TabList is not used because its
// arrow-key support (tabster) adds focusable aria-hidden elements that axe-core rejects.
const useStyles = makeStyles({
  tabs: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    listStyleType: "none",
    margin: `0 0 ${tokens.spacingVerticalL}`,
    padding: 0,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  tab: {
    display: "block",
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    color: tokens.colorNeutralForeground2,
    textDecorationLine: "none",
    borderBottom: `${tokens.strokeWidthThicker} solid transparent`,
    ":hover": { color: tokens.colorNeutralForeground1, textDecorationLine: "underline" },
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  current: {
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
    borderBottomColor: tokens.colorCompoundBrandStroke,
  },
});

function Overview() {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const styles = useStyles();
  const requested = route.params.get("tab");
  const tab: CalendarTab = TABS.includes(requested as CalendarTab) ? (requested as CalendarTab) : "my";
  const [rubrics, setRubrics] = useState<Rubric[]>([]);

  useEffect(() => {
    api
      .get<CalendarOptions>("/calendar/options")
      .then((options) => setRubrics(options.rubrics))
      .catch(() => setRubrics([]));
  }, [api]);

  return (
    <>
      <nav aria-label={t("calendar.tabs")}>
        <ul className={styles.tabs}>
          {TABS.map((name) => (
            <li key={name}>
              <a
                href={`#/?tab=${name}`}
                className={mergeClasses(styles.tab, tab === name && styles.current)}
                aria-current={tab === name ? "page" : undefined}
              >
                {t(`calendar.tab.${name}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {tab === "my" ? <MyCalendar /> : null}
      {tab === "public" ? <PublicEvents rubrics={rubrics} /> : null}
      {tab === "feed" ? <FeedPanel /> : null}
    </>
  );
}

export function CalendarPage() {
  const t = useT();
  const route = useRoute();
  const eventMatch = route.match("/events/:id");
  const editMatch = route.match("/events/:id/edit");
  const creating = route.path === "/new";

  let body;
  if (editMatch && /^\d+$/.test(editMatch.id)) {
    body = <EventForm key={`edit-${editMatch.id}`} eventId={Number(editMatch.id)} />;
  } else if (eventMatch && /^\d+$/.test(eventMatch.id)) {
    body = <EventDetails key={eventMatch.id} eventId={Number(eventMatch.id)} />;
  } else if (creating) {
    body = <EventForm key="new" />;
  } else {
    body = <Overview />;
  }

  const actions = creating || editMatch ? null : (
    <Button appearance="primary" icon={<CalendarAddRegular />} onClick={() => route.navigate("/new")}>
      {t("calendar.create")}
    </Button>
  );

  return (
    <PageLayout title={t("calendar.title")} actions={actions} page="calendar">
      {body}
    </PageLayout>
  );
}
