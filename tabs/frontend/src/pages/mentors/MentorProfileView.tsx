// One mentor's profile with every public field; the mentor and moderators
// also see the availability settings and an edit button.
import {
  Body1,
  Button,
  Caption1,
  Card,
  Link,
  Subtitle1,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { ArrowLeftRegular, EditRegular, OpenRegular } from "@fluentui/react-icons";
import { Fragment, useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useLocale, useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { AreaList, AvailabilityBadge, MentorAvatar, formatDay, listPath } from "./common";
import type { MentorProfile } from "./types";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "56em" },
  top: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "center" },
  heading: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalL, alignItems: "center" },
  name: { margin: 0, overflowWrap: "anywhere" },
  nameBlock: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, minWidth: 0 },
  section: { margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalXS}` },
  preLine: { whiteSpace: "pre-line", overflowWrap: "anywhere", margin: 0 },
  workplace: {
    display: "grid",
    gridTemplateColumns: "max-content minmax(0, 1fr)",
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  definition: { margin: 0, overflowWrap: "anywhere" },
  links: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, overflowWrap: "anywhere" },
  motto: {
    margin: 0,
    paddingInlineStart: tokens.spacingHorizontalL,
    borderLeft: `${tokens.strokeWidthThicker} solid ${tokens.colorBrandStroke1}`,
    fontStyle: "italic",
    whiteSpace: "pre-line",
  },
  note: { color: tokens.colorNeutralForeground2 },
});

export function MentorProfileView({ mentorId }: { mentorId: number }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const locale = useLocale();
  const session = useSession();
  const styles = useStyles();
  const [profile, setProfile] = useState<MentorProfile | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<MentorProfile>(`/mentors/${mentorId}`, { signal })
        .then(setProfile)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, mentorId],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const back = (
    <Button appearance="subtle" icon={<ArrowLeftRegular />} onClick={() => route.navigate(listPath())}>
      {t("mentors.back")}
    </Button>
  );
  if (problem) {
    return (
      <div className={styles.root}>
        <div className={styles.top}>{back}</div>
        <ProblemBanner problem={problem} onRetry={() => load()} />
      </div>
    );
  }
  if (!profile) return <Loading />;

  const own = profile.id === session.me.id;
  const workplace = profile.workplace;
  const workplaceRows = (
    [
      ["mentors.field.university", workplace.university],
      ["mentors.field.institute", workplace.institute],
      ["mentors.field.department", workplace.department],
    ] as const
  ).filter(([, value]) => value);

  return (
    <article className={styles.root} aria-labelledby="mentor-name">
      <div className={styles.top}>
        {back}
        {profile.canEdit ? (
          <Button
            appearance="primary"
            icon={<EditRegular />}
            onClick={() => route.navigate(own ? "/profile" : `/mentors/${profile.id}/edit`)}
          >
            {t("mentors.edit")}
          </Button>
        ) : null}
        <Link href={profile.profileUrl} target="_blank" rel="noopener noreferrer" title={t("mentors.publicPageHint")}>
          <OpenRegular aria-hidden /> {t("mentors.publicPage")}
        </Link>
      </div>
      <Card>
        <div className={styles.heading}>
          <MentorAvatar mentor={profile} size={128} />
          <div className={styles.nameBlock}>
            <Subtitle1 as="h2" id="mentor-name" className={styles.name}>
              {profile.fullName}
            </Subtitle1>
            {profile.position ? <Body1>{profile.position}</Body1> : null}
            <div>
              <AvailabilityBadge mentor={profile} />
            </div>
          </div>
        </div>

        {workplaceRows.length > 0 ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.workplace")}
            </Subtitle2>
            <dl className={styles.workplace}>
              {workplaceRows.map(([label, value]) => (
                <Fragment key={label}>
                  <dt className={styles.term}>{t(label)}</dt>
                  <dd className={styles.definition}>{value}</dd>
                </Fragment>
              ))}
            </dl>
          </section>
        ) : null}

        {profile.areas.length > 0 ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.areas")}
            </Subtitle2>
            <AreaList areas={profile.areas} label={t("mentors.section.areas")} />
          </section>
        ) : null}

        {profile.interests ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.interests")}
            </Subtitle2>
            <Body1 as="p" block className={styles.preLine}>
              {profile.interests}
            </Body1>
          </section>
        ) : null}

        {profile.links.length > 0 ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.links")}
            </Subtitle2>
            <ul className={styles.links}>
              {profile.links.map((link, index) => (
                <li key={`${index}:${link.url}`}>
                  <Link href={link.url} target="_blank" rel="nofollow noopener noreferrer">
                    {link.title || link.url}
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {profile.motto ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.motto")}
            </Subtitle2>
            <blockquote className={styles.motto}>{profile.motto}</blockquote>
          </section>
        ) : null}

        {profile.publicContact ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.contact")}
            </Subtitle2>
            <Body1 as="p" block className={styles.preLine}>
              {profile.publicContact}
            </Body1>
          </section>
        ) : null}

        {profile.settings ? (
          <section>
            <Subtitle2 as="h3" block className={styles.section}>
              {t("mentors.section.settings")}
            </Subtitle2>
            <Body1 as="p" block className={styles.preLine}>
              {profile.settings.awayUntil
                ? t("mentors.awayUntil", { date: formatDay(profile.settings.awayUntil, locale) })
                : t("mentors.notAway")}
              {"\n"}
              {t("mentors.openCases", { open: profile.settings.openCases, max: profile.settings.maxOpenCases })}
            </Body1>
            <Caption1 block className={styles.note}>{t("mentors.settingsNote")}</Caption1>
          </section>
        ) : null}
      </Card>
    </article>
  );
}
