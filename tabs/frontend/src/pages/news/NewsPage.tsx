// Placeholder of the News tab until the news area replaces it.
import { useT } from "../../i18n";
import { EmptyState } from "../../ui/EmptyState";
import { PageLayout } from "../../ui/PageLayout";

export function NewsPage() {
  const t = useT();
  return (
    <PageLayout title={t("news.title")}>
      <EmptyState>{t("news.empty")}</EmptyState>
    </PageLayout>
  );
}
