// The "My cases" tab. Routes: "#/" the lists (?view=teacher|mentor|moderation),
// "#/new" the case form, "#/cases/<id>" one case.
import { Button, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { AddRegular } from "@fluentui/react-icons";
import { useCallback, useState } from "react";
import { useApi } from "../../api";
import { useT } from "../../i18n";
import { navigate, useRoute } from "../../route";
import { useSession } from "../../session";
import { PageLayout } from "../../ui/PageLayout";
import { CaseForm, EMPTY_FORM } from "./CaseForm";
import { MentorWork, ModerationQueue, TeacherCases } from "./CaseLists";
import { CaseView } from "./CaseView";
import { Section } from "./common";
import type { CaseDetail, CaseFormValues } from "./types";

// The views are links styled as tabs. Fluent's TabList is not used because its
// arrow-key support (tabster) adds focusable aria-hidden elements that axe-core rejects.
const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  tabs: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    listStyleType: "none",
    margin: 0,
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

type View = "teacher" | "mentor" | "moderation";

export function MyPage() {
  const route = useRoute();
  const caseMatch = route.match("/cases/:id");
  if (caseMatch && /^\d+$/.test(caseMatch.id)) return <CaseView caseId={Number(caseMatch.id)} />;
  if (route.match("/new")) return <NewCase />;
  return <Overview view={route.params.get("view")} />;
}

function NewButton() {
  const t = useT();
  return (
    <Button appearance="primary" icon={<AddRegular />} onClick={() => navigate("/new")}>
      {t("my.action.new")}
    </Button>
  );
}

function Overview({ view }: { view: string | null }) {
  const t = useT();
  const styles = useStyles();
  const { hasRole } = useSession();
  const views: View[] = ["teacher"];
  if (hasRole("mentor")) views.push("mentor");
  if (hasRole("moderator")) views.push("moderation");
  // A mentor opens the tab on their mentoring work; everyone else on their own cases.
  const fallback: View = hasRole("mentor") ? "mentor" : "teacher";
  const current: View = views.includes(view as View) ? (view as View) : fallback;
  return (
    <PageLayout title={t("my.title")} actions={<NewButton />}>
      <div className={styles.stack}>
        {views.length > 1 ? (
          <nav aria-label={t("my.views")}>
            <ul className={styles.tabs}>
              {views.map((item) => (
                <li key={item}>
                  <a
                    href={`#/?view=${item}`}
                    className={mergeClasses(styles.tab, item === current && styles.current)}
                    aria-current={item === current ? "page" : undefined}
                  >
                    {t(`my.view.${item}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {current === "teacher" ? <TeacherCases /> : null}
        {current === "mentor" ? <MentorWork /> : null}
        {current === "moderation" ? <ModerationQueue /> : null}
      </div>
    </PageLayout>
  );
}

function NewCase() {
  const t = useT();
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Error | null>(null);
  const submit = useCallback(
    async (values: CaseFormValues) => {
      setBusy(true);
      setProblem(null);
      try {
        const detail = await api.post<CaseDetail>("/cases", values);
        navigate(`/cases/${detail.id}`, { replace: true });
      } catch (error) {
        setProblem(error instanceof Error ? error : new Error(String(error)));
        setBusy(false);
      }
    },
    [api],
  );
  return (
    <PageLayout title={t("my.new.title")}>
      <Section title={t("my.new.heading")} id="new-case">
        <CaseForm
          initial={EMPTY_FORM}
          submitLabel={t("my.new.submit")}
          busy={busy}
          problem={problem}
          onSubmit={(values) => void submit(values)}
          onCancel={() => navigate("/")}
        />
      </Section>
    </PageLayout>
  );
}
