// Render the registered page for data-page, or a notice for a tab without one.
import { Suspense, useEffect } from "react";
import { useT } from "./i18n";
import { PAGE_KEYS } from "./pages/keys";
import { pages } from "./pages/registry";
import { EmptyState } from "./ui/EmptyState";
import { ErrorBoundary } from "./ui/ErrorBoundary";
import { Loading } from "./ui/Loading";
import { PageLayout } from "./ui/PageLayout";

export function Shell({ page }: { page: string }) {
  const t = useT();
  const Page = pages[page];

  useEffect(() => {
    // After a sign-in on /tabs/signin the user lands on a real tab.
    if (page === "signin") window.location.replace("/tabs/my");
  }, [page]);

  if (Page) {
    // Suspense lets a registry entry be React.lazy(() => import(...)).
    return (
      <ErrorBoundary>
        <Suspense fallback={<Loading fullPage />}>
          <Page />
        </Suspense>
      </ErrorBoundary>
    );
  }
  const known = (PAGE_KEYS as readonly string[]).includes(page);
  return (
    <PageLayout title={known ? t(`nav.${page}`) : t("page.notFound.title")}>
      <EmptyState>{known ? t("page.notReady.body") : t("page.notFound.body", { page })}</EmptyState>
    </PageLayout>
  );
}
