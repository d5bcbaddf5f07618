// Pieces shared by the "My cases" views: labels in words, badges, sections and
// the hook that runs one case operation and keeps its error for the form.
import { Badge, makeStyles, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ApiProblem, useApi } from "../../api";
import { useLocale, useT, type Translate } from "../../i18n";
import type { CaseDetail, CaseStatus, FormOptions, Urgency, WaitingFor } from "./types";

export const useCommonStyles = makeStyles({
  section: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  sectionTitle: {
    margin: 0,
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
  },
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  row: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
  badges: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalXS },
  muted: { color: tokens.colorNeutralForeground2 },
  text: { whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: 0 },
  buttons: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "center" },
});

/** Render a titled block of the page; `level` sets the heading level under the page's h1. */
export function Section({
  title,
  level = 2,
  children,
  id,
}: {
  title: string;
  level?: 2 | 3;
  children: ReactNode;
  id?: string;
}) {
  const styles = useCommonStyles();
  const Heading = `h${level}` as const;
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={styles.section} aria-labelledby={headingId} id={id}>
      <Heading className={styles.sectionTitle} id={headingId}>
        {title}
      </Heading>
      {children}
    </section>
  );
}

const URGENCY_COLOURS: Record<Urgency, "danger" | "warning" | "informative"> = {
  urgent: "danger",
  need_advice: "warning",
  expert_opinion: "informative",
};

/** Badges for status, urgency and privacy, in words so that colour is never the only cue. */
export function CaseBadges({ status, urgency, privacy }: { status: CaseStatus; urgency: Urgency; privacy: string }) {
  const t = useT();
  const styles = useCommonStyles();
  return (
    <span className={styles.badges}>
      <Badge appearance="filled" color={closedStatus(status) ? "subtle" : "brand"}>
        {t(`my.status.${status}`)}
      </Badge>
      <Badge appearance="tint" color={URGENCY_COLOURS[urgency]}>
        {t(`my.urgency.${urgency}`)}
      </Badge>
      <Badge appearance="outline" color="informative">
        {t(`my.privacy.${privacy}`)}
      </Badge>
    </span>
  );
}

export function closedStatus(status: CaseStatus): boolean {
  return status === "completed" || status === "answered_by_library" || status === "withdrawn";
}

/** Say in words whose move the case waits for, from the viewer's side. */
export function waitingText(t: Translate, waitingFor: WaitingFor, onYou: boolean, mentorName?: string | null): string {
  if (waitingFor === "mentor_acceptance" && !onYou && mentorName) {
    return t("my.waiting.other.mentor_acceptance_named", { mentor: mentorName });
  }
  return t(`my.waiting.${onYou ? "you" : "other"}.${waitingFor}`);
}

/** Count characters as the server does: Unicode code points after NFC normalisation. */
export function characterCount(text: string): number {
  return Array.from(text.trim().normalize("NFC")).length;
}

let formOptions: Promise<FormOptions> | null = null;
let formOptionsLocale = "";

/** Load the case form's choices and limits once per language. */
export function useFormOptions(): { options: FormOptions | null; problem: ApiProblem | null } {
  const api = useApi();
  const locale = useLocale();
  const [options, setOptions] = useState<FormOptions | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  useEffect(() => {
    let active = true;
    if (!formOptions || formOptionsLocale !== locale) {
      formOptionsLocale = locale;
      formOptions = api.get<FormOptions>("/cases/form");
    }
    formOptions.then(
      (loaded) => active && setOptions(loaded),
      (error: unknown) => {
        formOptions = null;
        if (active) setProblem(error instanceof ApiProblem ? error : null);
      },
    );
    return () => {
      active = false;
    };
  }, [api, locale]);
  return { options, problem };
}

/** What a case view does with the result of an operation. */
export interface CaseHandlers {
  /** Show the case page the operation returned. */
  onDone(detail: CaseDetail): void;
  /** Show why the operation no longer applied (HTTP 409) and reload the case. */
  onStale(problem: ApiProblem): void;
}

export interface CaseOperation {
  busy: boolean;
  /** The last failure other than a 409, which ``onStale`` shows instead. */
  problem: ApiProblem | Error | null;
  /** POST to `path` and hand the returned case to `onDone`; return whether it succeeded. */
  run(path: string, body?: unknown): Promise<boolean>;
  clear(): void;
}

/**
 * Run case operations that return the case page. The caller's form keeps
 * what the user typed whatever happens; a rejected form shows the problem
 * next to its fields.
 */
export function useCaseOperation(handlers: CaseHandlers): CaseOperation {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const { onDone, onStale } = handlers;
  const run = useCallback(
    async (path: string, body?: unknown) => {
      setBusy(true);
      setProblem(null);
      try {
        const detail = await api.post<CaseDetail>(path, body ?? {});
        onDone(detail);
        return true;
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 409) onStale(error);
        else setProblem(error instanceof Error ? error : new Error(String(error)));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [api, onDone, onStale],
  );
  const clear = useCallback(() => setProblem(null), []);
  return { busy, problem, run, clear };
}

/** Participant choices in words: forms of pupils share one pattern. */
export function participantLabel(t: Translate, key: string): string {
  const form = /^form_(\d+)$/.exec(key);
  if (form) return t("my.participant.form", { number: form[1] });
  return t(`my.participant.${key}`);
}
