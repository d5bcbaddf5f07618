// The Mentors tab. Routes inside it (the hash):
//   #/?rubric=<key>&availability=<value>&offset=<n>   the list with filters
//   #/mentors/<id>                                    one profile
//   #/mentors/<id>/edit                               a moderator edits a profile
//   #/profile                                         a mentor edits their own profile
import { Button } from "@fluentui/react-components";
import { PersonEditRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { useApi } from "../../api";
import { useLocale, useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { EmptyState } from "../../ui/EmptyState";
import { PageLayout } from "../../ui/PageLayout";
import { MentorList } from "./MentorList";
import { MentorProfileView } from "./MentorProfileView";
import { ProfileEditor } from "./ProfileEditor";
import type { MentorOptions } from "./types";

const DIGITS = /^\d{1,18}$/;

export function MentorsPage() {
  const t = useT();
  const api = useApi();
  const locale = useLocale();
  const route = useRoute();
  const session = useSession();
  const [options, setOptions] = useState<MentorOptions | null>(null);
  const isMentor = session.hasRole("mentor");

  // Rubric titles come in the user's language, so they reload with it.
  useEffect(() => {
    const controller = new AbortController();
    api
      .get<MentorOptions>("/mentors/options", { signal: controller.signal })
      .then(setOptions)
      .catch(() => setOptions({ rubrics: [], availability: [], limits: {} }));
    return () => controller.abort();
  }, [api, locale]);

  const profileMatch = route.match("/mentors/:id");
  const editMatch = route.match("/mentors/:id/edit");
  let body;
  if (route.path === "/profile") {
    body = isMentor ? <ProfileEditor key="me" mentorId="me" options={options} /> : <EmptyState title={t("mentors.notMentor")} />;
  } else if (editMatch && DIGITS.test(editMatch.id)) {
    body = <ProfileEditor key={`edit-${editMatch.id}`} mentorId={Number(editMatch.id)} options={options} />;
  } else if (profileMatch && DIGITS.test(profileMatch.id)) {
    body = <MentorProfileView key={profileMatch.id} mentorId={Number(profileMatch.id)} />;
  } else {
    body = <MentorList options={options} />;
  }

  const actions =
    isMentor && route.path !== "/profile" ? (
      <Button icon={<PersonEditRegular />} onClick={() => route.navigate("/profile")}>
        {t("mentors.myProfile")}
      </Button>
    ) : null;

  return (
    <PageLayout title={t("mentors.title")} actions={actions} page="mentors">
      {body}
    </PageLayout>
  );
}
