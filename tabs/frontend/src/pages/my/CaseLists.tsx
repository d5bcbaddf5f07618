// The lists of the "My cases" tab: the teacher's cases, the mentor's offers
// and cases, and the cases waiting for a moderator.
import { Body1, Button, Caption1, Link, Select, makeStyles, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ApiProblem, useApi, type Query } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { navigate } from "../../route";
import { EmptyState } from "../../ui/EmptyState";
import { FormField } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { Paging } from "../../ui/Paging";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { CaseBadges, Section, useCommonStyles, waitingText } from "./common";
import { MentorSettings } from "./MentorSettings";
import type { AssignmentSummary, CaseDetail, CaseSummary, ListPage } from "./types";

const PAGE_SIZE = 10;

const useStyles = makeStyles({
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  row: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
  },
  rowTitle: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold, overflowWrap: "anywhere" },
  waitingOnYou: { color: tokens.colorBrandForeground1, fontWeight: tokens.fontWeightSemibold },
  filter: { maxWidth: "20rem" },
});

/** Load one page of a list and reload it on demand. */
function usePagedList<T>(path: string, query: Query) {
  const api = useApi();
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<ListPage<T> | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const queryKey = JSON.stringify(query);
  const load = useCallback(async () => {
    try {
      const loaded = await api.get<ListPage<T>>(path, { query: { ...JSON.parse(queryKey), offset, limit: PAGE_SIZE } });
      setPage(loaded);
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : null);
    }
  }, [api, path, queryKey, offset]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => setOffset(0), [queryKey]);
  return { page, problem, offset, setOffset, reload: load };
}

function CaseRow({ summary, children, headingLevel = 3 }: { summary: CaseSummary; children?: ReactNode; headingLevel?: 3 | 4 }) {
  const t = useT();
  const format = useFormat();
  const styles = useStyles();
  const common = useCommonStyles();
  const Heading = `h${headingLevel}` as const;
  return (
    <li className={styles.row}>
      <Heading className={styles.rowTitle}>
        <Link href={`#/cases/${summary.id}`}>{t("my.case.title", { number: summary.number })}</Link>
      </Heading>
      <Body1 className={common.text}>{summary.excerpt}</Body1>
      <CaseBadges status={summary.status} urgency={summary.urgency} privacy={summary.privacy} />
      <Body1 className={summary.waitingOnYou ? styles.waitingOnYou : undefined}>
        {waitingText(t, summary.waitingFor, summary.waitingOnYou, summary.mentorName)}
      </Body1>
      <Caption1 className={common.muted}>
        {t("my.case.changed", { when: format.dateTime(summary.updatedAt) })}
        {summary.mentorName ? ` · ${t("my.case.mentor")}: ${summary.mentorName}` : ""}
        {summary.currentRevision > 1 ? ` · ${t("my.revisions.number", { number: summary.currentRevision })}` : ""}
      </Caption1>
      {children}
    </li>
  );
}

function ListBody<T>({
  list,
  empty,
  render,
}: {
  list: ReturnType<typeof usePagedList<T>>;
  empty: ReactNode;
  render(item: T): ReactNode;
}) {
  const styles = useStyles();
  if (list.problem) return <ProblemBanner problem={list.problem} onRetry={() => void list.reload()} />;
  if (!list.page) return <Loading />;
  if (list.page.total === 0) return <>{empty}</>;
  return (
    <>
      <ul className={styles.list}>{list.page.items.map(render)}</ul>
      <Paging offset={list.offset} limit={PAGE_SIZE} total={list.page.total} onChange={list.setOffset} />
    </>
  );
}

export function TeacherCases() {
  const t = useT();
  const styles = useStyles();
  const [scope, setScope] = useState("all");
  const list = usePagedList<CaseSummary>("/cases", { scope });
  return (
    <Section title={t("my.teacher.title")} id="teacher-cases">
      <FormField name="scope" label={t("my.teacher.scope")} className={styles.filter}>
        <Select value={scope} onChange={(_, data) => setScope(data.value)}>
          <option value="all">{t("my.scope.all")}</option>
          <option value="open">{t("my.scope.open")}</option>
          <option value="closed">{t("my.scope.closed")}</option>
        </Select>
      </FormField>
      <ListBody
        list={list}
        empty={
          <EmptyState
            title={t("my.teacher.emptyTitle")}
            action={
              <Button appearance="primary" onClick={() => navigate("/new")}>
                {t("my.action.new")}
              </Button>
            }
          >
            {t("my.teacher.empty")}
          </EmptyState>
        }
        render={(summary) => <CaseRow key={summary.id} summary={summary} />}
      />
    </Section>
  );
}

function OfferRow({ offer }: { offer: AssignmentSummary }) {
  const t = useT();
  const api = useApi();
  const common = useCommonStyles();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const accept = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const detail = await api.post<CaseDetail>(`/mentoring/offers/${offer.id}/accept`);
      navigate(`/cases/${detail.id}`);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : null);
      setBusy(false);
    }
  };
  return (
    <CaseRow summary={offer.case}>
      {problem ? <ProblemBanner problem={problem} /> : null}
      <div className={common.buttons}>
        <Button appearance="primary" disabled={busy} onClick={() => void accept()}>
          {t("my.offer.acceptNumber", { number: offer.case.number })}
        </Button>
        <Link href={`#/cases/${offer.case.id}`}>{t("my.offer.openToDecline")}</Link>
      </div>
    </CaseRow>
  );
}

export function MentorWork() {
  const t = useT();
  const offers = usePagedList<AssignmentSummary>("/mentoring/offers", {});
  const current = usePagedList<AssignmentSummary>("/mentoring/cases", { scope: "current" });
  const past = usePagedList<AssignmentSummary>("/mentoring/cases", { scope: "past" });
  return (
    <>
      <Section title={t("my.mentor.offers")} id="offers">
        <ListBody
          list={offers}
          empty={<EmptyState>{t("my.mentor.noOffers")}</EmptyState>}
          render={(offer) => <OfferRow key={offer.id} offer={offer} />}
        />
      </Section>
      <Section title={t("my.mentor.current")} id="mentor-cases">
        <ListBody
          list={current}
          empty={<EmptyState>{t("my.mentor.noCases")}</EmptyState>}
          render={(item) => <CaseRow key={item.id} summary={item.case} />}
        />
      </Section>
      <Section title={t("my.mentor.past")} id="mentor-past">
        <ListBody
          list={past}
          empty={<EmptyState>{t("my.mentor.noPast")}</EmptyState>}
          render={(item) => (
            <CaseRow key={item.id} summary={item.case}>
              <Caption1>{t(`my.assignment.${item.status}`)}</Caption1>
            </CaseRow>
          )}
        />
      </Section>
      <MentorSettings />
    </>
  );
}

export function ModerationQueue() {
  const t = useT();
  const api = useApi();
  const cases = usePagedList<CaseSummary>("/mentoring/moderation/cases", {});
  const [drafts, setDrafts] = useState<number | null>(null);
  useEffect(() => {
    let active = true;
    // The library tab approves and rejects drafts; this page only counts them.
    api.get<ListPage<unknown>>("/library/moderation", { query: { limit: 1 } }).then(
      (page) => active && setDrafts(page.total),
      () => active && setDrafts(null),
    );
    return () => {
      active = false;
    };
  }, [api]);
  return (
    <>
      <Section title={t("my.moderation.cases")} id="moderation-cases">
        <ListBody
          list={cases}
          empty={<EmptyState>{t("my.moderation.noCases")}</EmptyState>}
          render={(summary) => <CaseRow key={summary.id} summary={summary} />}
        />
      </Section>
      <Section title={t("my.moderation.drafts")} id="moderation-drafts">
        <Body1>
          {drafts === null ? t("my.moderation.draftsUnknown") : t("my.moderation.draftCount", { count: drafts })}{" "}
          <Link href="/tabs/library#/moderation">{t("my.moderation.openLibrary")}</Link>
        </Body1>
      </Section>
    </>
  );
}
