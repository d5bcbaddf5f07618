// The mentor's availability (away until a date, open cases at most) and areas
// of advice, shown with their mentoring work. The availability form is the
// mentors tab's own; the areas are edited on the profile page.
import { Body1, Link, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { useSession } from "../../session";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { AvailabilityForm } from "../mentors/AvailabilityForm";
import type { MentorOptions, MentorProfile } from "../mentors/types";

const useStyles = makeStyles({
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
});

export function MentorSettings() {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const session = useSession();
  const [profile, setProfile] = useState<MentorProfile | null>(null);
  const [limit, setLimit] = useState<number | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      api.get<MentorProfile>("/mentors/me", { signal: controller.signal }),
      api.get<MentorOptions>("/mentors/options", { signal: controller.signal }),
    ]).then(
      ([loaded, options]) => {
        setProfile(loaded);
        setLimit(options.limits.maxOpenCases ?? null);
      },
      (error: unknown) => {
        if (error instanceof ApiProblem) setProblem(error);
      },
    );
    return () => controller.abort();
  }, [api]);

  if (problem) return <ProblemBanner problem={problem} />;
  if (!profile || limit === null) return <Loading />;
  return (
    <div className={styles.panel}>
      {profile.settings ? (
        <AvailabilityForm
          settings={profile.settings}
          own
          mentorId={profile.id}
          timeZone={session.me.timeZone}
          maxOpenCasesLimit={limit}
          onSaved={(settings) => setProfile({ ...profile, settings })}
        />
      ) : null}
      <Body1>
        {t("my.settings.areas")}: {profile.areas.map((area) => area.title).join(", ") || t("my.settings.noAreas")}.{" "}
        <Link href="/tabs/mentors#/profile">{t("my.settings.editProfile")}</Link>
      </Body1>
    </div>
  );
}
