// The Library tab. Routes inside it (the hash):
//   #/                     the search and its results ("#/?q=...&rubric=...")
//   #/entries/<id>         one entry; the compose-box card links here
//   #/entries/<id>/edit    a moderator's edit of an entry
//   #/new                  add a material (mentors and moderators)
//   #/moderation           drafts of solved cases waiting for a moderator
import { Button } from "@fluentui/react-components";
import { AddRegular, TaskListLtrRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { useApi } from "../../api";
import { useLocale, useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { PageLayout } from "../../ui/PageLayout";
import { EditEntryForm } from "./EditEntryForm";
import { EntryView } from "./EntryView";
import { MaterialForm } from "./MaterialForm";
import { ModerationQueue } from "./ModerationQueue";
import { SearchView } from "./SearchView";
import type { Filters } from "./types";

export function LibraryPage() {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const locale = useLocale();
  const session = useSession();
  const [filters, setFilters] = useState<Filters | null>(null);
  const staff = session.hasRole("mentor") || session.hasRole("moderator");
  const moderator = session.hasRole("moderator");

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<Filters>("/library/filters", { signal: controller.signal })
      .then(setFilters)
      .catch(() => setFilters(null));
    return () => controller.abort();
  }, [api, locale]);

  const edit = route.match("/entries/:id/edit");
  const entry = route.match("/entries/:id");
  let body;
  if (edit && /^\d+$/.test(edit.id) && moderator) {
    body = <EditEntryForm key={`edit-${edit.id}`} entryId={Number(edit.id)} filters={filters} />;
  } else if (entry && /^\d+$/.test(entry.id)) {
    body = <EntryView key={entry.id} entryId={Number(entry.id)} />;
  } else if (route.path === "/new" && staff) {
    body = <MaterialForm filters={filters} />;
  } else if (route.path === "/moderation" && moderator) {
    body = <ModerationQueue />;
  } else {
    body = <SearchView filters={filters} />;
  }

  const actions = (
    <>
      {moderator ? (
        <Button icon={<TaskListLtrRegular />} onClick={() => route.navigate("/moderation")}>
          {t("library.queue")}
        </Button>
      ) : null}
      {staff ? (
        <Button appearance="primary" icon={<AddRegular />} onClick={() => route.navigate("/new")}>
          {t("library.addMaterial")}
        </Button>
      ) : null}
    </>
  );

  return (
    <PageLayout title={t("library.title")} page="library" actions={staff ? actions : undefined}>
      {body}
    </PageLayout>
  );
}
