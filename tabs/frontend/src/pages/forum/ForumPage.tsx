// The Forum tab. Routes inside it (the hash):
//   #/                        the sections
//   #/sections/<key>          the topics of a section, most recently active first
//   #/sections/<key>/new      open a topic in a section
//   #/topics/<id>             a topic with its posts and the reply form
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { PageLayout } from "../../ui/PageLayout";
import { NewTopicForm } from "./NewTopicForm";
import { SectionList } from "./SectionList";
import { TopicList } from "./TopicList";
import { TopicThread } from "./TopicThread";

export function ForumPage() {
  const t = useT();
  const route = useRoute();
  const newTopic = route.match("/sections/:key/new");
  const section = route.match("/sections/:key");
  const topic = route.match("/topics/:id");

  let body;
  if (newTopic) {
    body = <NewTopicForm key={`new-${newTopic.key}`} sectionKey={newTopic.key} />;
  } else if (section) {
    body = <TopicList key={section.key} sectionKey={section.key} />;
  } else if (topic && /^\d+$/.test(topic.id)) {
    body = <TopicThread key={topic.id} topicId={Number(topic.id)} />;
  } else {
    body = <SectionList />;
  }

  return (
    <PageLayout title={t("forum.title")} page="forum">
      {body}
    </PageLayout>
  );
}
