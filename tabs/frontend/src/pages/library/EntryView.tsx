// One library entry: a material with its link and summary, or an anonymised
// solved case with its clarifications, solutions and attached materials.
// Moderators edit, unpublish, publish again, approve or reject drafts;
// mentors attach a material to one of their solutions.
import {
  Body1,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  Select,
} from "@fluentui/react-components";
import {
  ArrowLeftRegular,
  CheckmarkRegular,
  DismissRegular,
  EditRegular,
  EyeOffRegular,
  EyeRegular,
  LinkRegular,
  OpenRegular,
} from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { useRoute } from "../../route";
import { useSession } from "../../session";
import { FormField } from "../../ui/FormField";
import { Loading } from "../../ui/Loading";
import { ProblemBanner } from "../../ui/ProblemBanner";
import {
  RubricTags,
  StatusBadge,
  isWebLink,
  searchPath,
  useKindLabel,
  useLibraryStyles,
} from "./common";
import type { AttachedMaterial, EntryDetail, MentorSolution, SolutionPage, SolvedCase } from "./types";

export function EntryView({ entryId }: { entryId: number }) {
  const t = useT();
  const api = useApi();
  const route = useRoute();
  const format = useFormat();
  const session = useSession();
  const styles = useLibraryStyles();
  const kindLabel = useKindLabel();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const moderator = session.hasRole("moderator");

  const load = useCallback(
    (signal?: AbortSignal) => {
      setProblem(null);
      api
        .get<EntryDetail>(`/library/entries/${entryId}`, { signal })
        .then(setEntry)
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") return;
          setProblem(error as Error);
        });
    },
    [api, entryId],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const changeStatus = async (action: "publish" | "unpublish", message: string) => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      setEntry(await api.post<EntryDetail>(`/library/entries/${entryId}/${action}`));
      setNotice(message);
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <Link href={`#${searchPath()}`}>
      <ArrowLeftRegular aria-hidden="true" /> {t("library.backToResults")}
    </Link>
  );

  if (!entry) {
    return (
      <div className={styles.stack}>
        {back}
        {problem ? <ProblemBanner problem={problem} onRetry={() => load()} /> : <Loading />}
      </div>
    );
  }

  let moderation = null;
  if (moderator) {
    const draft = entry.status === "draft";
    moderation = (
      <section className={styles.panel} aria-labelledby="library-moderation-heading">
        <h2 id="library-moderation-heading" className={styles.subheading}>
          {t("library.moderation")}
        </h2>
        {draft ? <Body1>{t("library.draftNotice")}</Body1> : null}
        <div className={styles.toolbar}>
          <Button icon={<EditRegular />} onClick={() => route.navigate(`/entries/${entry.id}/edit`)} disabled={busy}>
            {t("library.edit")}
          </Button>
          {draft ? (
            <>
              <Button
                appearance="primary"
                icon={<CheckmarkRegular />}
                disabled={busy}
                onClick={() => changeStatus("publish", t("library.approved"))}
              >
                {t("library.approve")}
              </Button>
              <Button icon={<DismissRegular />} disabled={busy} onClick={() => changeStatus("unpublish", t("library.rejected"))}>
                {t("library.reject")}
              </Button>
            </>
          ) : entry.status === "published" ? (
            <Button icon={<EyeOffRegular />} disabled={busy} onClick={() => changeStatus("unpublish", t("library.unpublished"))}>
              {t("library.unpublish")}
            </Button>
          ) : (
            <Button icon={<EyeRegular />} disabled={busy} onClick={() => changeStatus("publish", t("library.republished"))}>
              {t("library.republish")}
            </Button>
          )}
        </div>
      </section>
    );
  }

  return (
    <article className={styles.stack} aria-labelledby="library-entry-title">
      {back}
      {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
      {notice ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      <header className={styles.stack} style={{ gap: "4px" }}>
        <h2 id="library-entry-title" className={styles.heading} lang={entry.language}>
          {entry.title}
        </h2>
        <Caption1 className={styles.meta}>
          <span>{kindLabel(entry)}</span>
          {entry.publishedAt ? (
            <span>
              {t("library.publishedOn")} <time dateTime={entry.publishedAt}>{format.date(entry.publishedAt)}</time>
            </span>
          ) : null}
          {entry.updatedAt ? (
            <span>
              {t("library.updatedOn")} <time dateTime={entry.updatedAt}>{format.date(entry.updatedAt)}</time>
            </span>
          ) : null}
          <span>{t(`library.language.${entry.language}`)}</span>
          {entry.addedBy ? <span>{t("library.addedBy", { name: entry.addedBy })}</span> : null}
          <StatusBadge status={entry.status} />
        </Caption1>
        <RubricTags rubrics={entry.rubrics} label={t("library.rubrics")} />
      </header>
      {moderation}
      {entry.case ? <CaseBody solvedCase={entry.case} language={entry.language} /> : <MaterialBody entry={entry} />}
      {entry.kind === "material" && entry.status === "published" && session.hasRole("mentor") ? (
        <AttachPanel materialId={entry.id} />
      ) : null}
    </article>
  );
}

function MaterialBody({ entry }: { entry: EntryDetail }) {
  const t = useT();
  const styles = useLibraryStyles();
  return (
    <div className={styles.stack}>
      {entry.summary ? (
        <section aria-labelledby="library-summary-heading" className={styles.stack} style={{ gap: "4px" }}>
          <h3 id="library-summary-heading" className={styles.subheading}>
            {t("library.summary")}
          </h3>
          <Body1 as="p" className={styles.text} lang={entry.language}>
            {entry.summary}
          </Body1>
        </section>
      ) : null}
      {isWebLink(entry.url) ? (
        <p className={styles.text}>
          <Link href={entry.url} target="_blank" rel="noopener noreferrer">
            <OpenRegular aria-hidden="true" /> {t("library.openMaterial")}
          </Link>
          <Caption1 as="span" style={{ display: "block", overflowWrap: "anywhere" }}>
            {entry.url}
          </Caption1>
        </p>
      ) : null}
    </div>
  );
}

function CaseBody({ solvedCase, language }: { solvedCase: SolvedCase; language: string }) {
  const t = useT();
  const styles = useLibraryStyles();
  const sections: [string, string][] = [
    ["essence", solvedCase.essence],
    ["actionsTaken", solvedCase.actionsTaken],
    ["whyDifficult", solvedCase.whyDifficult],
    ["question", solvedCase.question],
  ];
  const participant = (key: string) => {
    const form = /^form_(\d+)$/.exec(key);
    return form ? t("library.participant.form", { number: form[1] }) : t(`library.participant.${key}`);
  };
  return (
    <div className={styles.stack}>
      {sections
        .filter(([, text]) => text)
        .map(([key, text]) => (
          <section key={key} aria-labelledby={`library-case-${key}`} className={styles.stack} style={{ gap: "4px" }}>
            <h3 id={`library-case-${key}`} className={styles.subheading}>
              {t(`library.case.${key}`)}
            </h3>
            <Body1 as="p" className={styles.text} lang={language}>
              {text}
            </Body1>
          </section>
        ))}
      <Caption1 className={styles.meta}>
        {solvedCase.participants.length > 0 ? (
          <span>
            {t("library.case.participants")}: {solvedCase.participants.map(participant).join(", ")}
          </span>
        ) : null}
        {solvedCase.urgency ? (
          <span>
            {t("library.case.urgency")}: {t(`library.urgency.${solvedCase.urgency}`)}
          </span>
        ) : null}
      </Caption1>
      {solvedCase.clarifications.length > 0 ? (
        <section aria-labelledby="library-clarifications" className={styles.stack}>
          <h3 id="library-clarifications" className={styles.subheading}>
            {t("library.case.clarifications")}
          </h3>
          <dl className={styles.stack} style={{ margin: 0 }}>
            {solvedCase.clarifications.map((item, index) => (
              <div key={index} className={styles.card}>
                <dt style={{ fontWeight: 600, overflowWrap: "anywhere" }} lang={language}>
                  {item.question}
                </dt>
                <dd className={styles.text} style={{ marginInlineStart: 0 }} lang={language}>
                  {item.answer}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      <section aria-labelledby="library-solutions" className={styles.stack}>
        <h3 id="library-solutions" className={styles.subheading}>
          {t("library.case.solutions")}
        </h3>
        <ol className={styles.list}>
          {solvedCase.solutions.map((solution, index) => (
            <li key={index} className={styles.card}>
              <Body1 as="p" className={styles.text} lang={language}>
                {solution.text}
              </Body1>
              {solution.materials.length > 0 ? <MaterialLinks materials={solution.materials} /> : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function MaterialLinks({ materials }: { materials: AttachedMaterial[] }) {
  const t = useT();
  const styles = useLibraryStyles();
  return (
    <div>
      <Caption1 as="p" style={{ margin: 0 }}>
        {t("library.attachedMaterials")}
      </Caption1>
      <ul className={styles.list} style={{ gap: "2px" }}>
        {materials.map((material) => (
          <li key={material.id} className={styles.meta}>
            <LinkRegular aria-hidden="true" />
            <Link href={`#/entries/${material.id}`}>{material.title}</Link>
            <StatusBadge status={material.status} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Attach this material to one of the signed-in mentor's solutions. */
function AttachPanel({ materialId }: { materialId: number }) {
  const t = useT();
  const api = useApi();
  const styles = useLibraryStyles();
  const [solutions, setSolutions] = useState<MentorSolution[] | null>(null);
  const [choice, setChoice] = useState("");
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<SolutionPage>("/library/solutions", { query: { limit: 50 }, signal: controller.signal })
      .then((page) => setSolutions(page.items))
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === "AbortError") return;
        setProblem(error as Error);
      });
    return () => controller.abort();
  }, [api]);

  if (solutions !== null && solutions.length === 0) return null;

  const attach = async () => {
    setBusy(true);
    setProblem(null);
    setNotice(null);
    try {
      const updated = await api.post<MentorSolution>(`/library/solutions/${choice}/materials`, {
        materialId,
      });
      setSolutions((current) => (current ?? []).map((item) => (item.id === updated.id ? updated : item)));
      setNotice(t("library.attached", { number: updated.caseNumber }));
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };

  const chosen = solutions?.find((item) => String(item.id) === choice);
  const alreadyAttached = chosen?.materials.some((material) => material.id === materialId) ?? false;

  return (
    <section className={styles.panel} aria-labelledby="library-attach-heading">
      <h2 id="library-attach-heading" className={styles.subheading}>
        {t("library.attachHeading")}
      </h2>
      {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
      {notice ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      {solutions === null ? (
        <Loading />
      ) : (
        <div className={styles.toolbar} style={{ alignItems: "flex-end" }}>
          <FormField name="solutionId" label={t("library.attachTo")} problem={problem} style={{ flexGrow: 1, minWidth: 0 }}>
            <Select value={choice} onChange={(_, data) => setChoice(data.value)}>
              <option value="">{t("library.chooseSolution")}</option>
              {solutions.map((solution) => (
                <option key={solution.id} value={String(solution.id)}>
                  {t("library.solutionOption", { number: solution.caseNumber, excerpt: solution.excerpt.slice(0, 80) })}
                </option>
              ))}
            </Select>
          </FormField>
          <Button appearance="primary" icon={<LinkRegular />} disabled={!choice || busy || alreadyAttached} onClick={attach}>
            {alreadyAttached ? t("library.alreadyAttached") : t("library.attach")}
          </Button>
        </div>
      )}
    </section>
  );
}
