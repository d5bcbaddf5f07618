// A moderator's controls of a topic: lock or unlock, hide or show, and move
// it to another section. The server checks the role again for every action.
import { Button, Field, Select, makeStyles, tokens } from "@fluentui/react-components";
import {
  ArrowMoveRegular,
  EyeOffRegular,
  EyeRegular,
  LockClosedRegular,
  LockOpenRegular,
} from "@fluentui/react-icons";
import { useEffect, useState } from "react";
import { type ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { useForumStyles } from "./common";
import type { Section, SectionList, Topic } from "./types";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: 0 },
  move: { display: "flex", flexWrap: "wrap", alignItems: "flex-end", gap: tokens.spacingHorizontalS },
  select: { minWidth: "14em", maxWidth: "100%" },
});

export function ModeratorBar({ topic, onChange }: { topic: Topic; onChange(topic: Topic): void }) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const forumStyles = useForumStyles();
  const [sections, setSections] = useState<Section[]>([]);
  const [target, setTarget] = useState(topic.sectionKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .get<SectionList>("/forum/sections", { signal: controller.signal })
      .then((data) => setSections(data.items))
      .catch(() => setSections([]));
    return () => controller.abort();
  }, [api]);

  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      onChange(await api.post<Topic>(`/forum/topics/${topic.id}/${path}`, body));
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className={styles.root}>
      <legend className={styles.legend}>{t("forum.moderation")}</legend>
      {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
      <div className={forumStyles.toolbar}>
        <Button
          icon={topic.locked ? <LockOpenRegular /> : <LockClosedRegular />}
          disabled={busy}
          onClick={() => act(topic.locked ? "unlock" : "lock")}
        >
          {topic.locked ? t("forum.unlock") : t("forum.lock")}
        </Button>
        <Button
          icon={topic.hidden ? <EyeRegular /> : <EyeOffRegular />}
          disabled={busy}
          onClick={() => act(topic.hidden ? "unhide" : "hide")}
        >
          {topic.hidden ? t("forum.unhideTopic") : t("forum.hideTopic")}
        </Button>
      </div>
      <div className={styles.move}>
        <Field label={t("forum.moveTo")}>
          <Select className={styles.select} value={target} onChange={(_, data) => setTarget(data.value)}>
            {sections.map((section) => (
              <option key={section.key} value={section.key}>
                {section.title}
              </option>
            ))}
          </Select>
        </Field>
        <Button
          icon={<ArrowMoveRegular />}
          disabled={busy || target === topic.sectionKey}
          onClick={() => act("move", { sectionKey: target })}
        >
          {t("forum.move")}
        </Button>
      </div>
    </fieldset>
  );
}
