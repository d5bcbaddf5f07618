// The News tab. Routes inside it (the hash):
//   #/                   published news, newest first (moderators also see unpublished ones)
//   #/items/<id>         one item
//   #/new                a moderator writes an item
//   #/items/<id>/edit    a moderator edits an item
import { Button } from "@fluentui/react-components";
import { AddRegular } from "@fluentui/react-icons";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { PageLayout } from "../../ui/PageLayout";
import { NewsEditor } from "./NewsEditor";
import { NewsItemView } from "./NewsItemView";
import { NewsListView } from "./NewsListView";

export function NewsPage() {
  const t = useT();
  const route = useRoute();
  const session = useSession();
  const moderator = session.hasRole("moderator");
  const item = route.match("/items/:id");
  const edit = route.match("/items/:id/edit");
  const creating = route.path === "/new";

  let body;
  if (moderator && edit && /^\d+$/.test(edit.id)) {
    body = <NewsEditor key={`edit-${edit.id}`} newsId={Number(edit.id)} />;
  } else if (moderator && creating) {
    body = <NewsEditor key="new" />;
  } else if (item && /^\d+$/.test(item.id)) {
    body = <NewsItemView key={item.id} newsId={Number(item.id)} moderator={moderator} />;
  } else {
    body = <NewsListView moderator={moderator} />;
  }

  const actions =
    moderator && !creating && !edit ? (
      <Button appearance="primary" icon={<AddRegular />} onClick={() => route.navigate("/new")}>
        {t("news.create")}
      </Button>
    ) : null;

  return (
    <PageLayout title={t("news.title")} actions={actions} page="news">
      {body}
    </PageLayout>
  );
}
