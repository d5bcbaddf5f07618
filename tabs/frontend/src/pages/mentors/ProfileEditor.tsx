// Editing a profile: the mentor's own at #/profile, or any mentor's at
// #/mentors/<id>/edit for a moderator. Photo, availability and the profile's
// texts are saved separately, so a mistake in one never loses the others.
import { Button, Card, Subtitle1, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowLeftRegular, PersonRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { AvailabilityForm } from "./AvailabilityForm";
import { listPath } from "./common";
import { PhotoEditor } from "./PhotoEditor";
import { ProfileForm } from "./ProfileForm";
import type { MentorOptions, MentorProfile } from "./types";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, maxWidth: "56em" },
  top: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "center" },
  heading: { margin: 0, overflowWrap: "anywhere" },
});

/** `mentorId` "me" edits the signed-in mentor's own profile. */
export function ProfileEditor({ mentorId, options }: { mentorId: number | "me"; options: MentorOptions | null }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
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

  if (problem) return <ProblemBanner problem={problem} onRetry={() => load()} />;
  if (!profile || !options) return <Loading />;

  const own = mentorId === "me" || profile.id === session.me.id;
  const view = () => route.navigate(`/mentors/${profile.id}`);

  return (
    <div className={styles.root}>
      <div className={styles.top}>
        <Button appearance="subtle" icon={<ArrowLeftRegular />} onClick={() => route.navigate(listPath())}>
          {t("mentors.back")}
        </Button>
      </div>
      {own ? null : (
        <Subtitle1 as="p" className={styles.heading}>
          {t("mentors.form.editing", { name: profile.fullName })}
        </Subtitle1>
      )}
      <Card>
        <PhotoEditor
          profile={profile}
          path={`/mentors/${profile.id}/photo`}
          maxBytes={options.limits.photoBytes ?? 5 * 1024 * 1024}
          onChange={setProfile}
        />
      </Card>
      {profile.settings ? (
        <Card>
          <AvailabilityForm
            settings={profile.settings}
            own={own}
            mentorId={profile.id}
            timeZone={session.me.timeZone}
            maxOpenCasesLimit={options.limits.maxOpenCases ?? 20}
            onSaved={(settings) => setProfile({ ...profile, settings })}
          />
        </Card>
      ) : null}
      <Card>
        <ProfileForm
          profile={profile}
          path={own ? "/mentors/me" : `/mentors/${profile.id}`}
          options={options}
          onSaved={setProfile}
          after={
            <Button icon={<PersonRegular />} onClick={view}>
              {t("mentors.form.view")}
            </Button>
          }
        />
      </Card>
    </div>
  );
}
