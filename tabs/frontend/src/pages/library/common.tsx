// Pieces the library's views share: styles, labels of kinds and statuses,
// rubric tags, the character counter and the way back to the last search.
import { Badge, Caption1, Checkbox, makeStyles, tokens } from "@fluentui/react-components";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import type { EntryStatus, EntrySummary, Rubric } from "./types";
import { cardListRules } from "../../ui/cardList";

export const useLibraryStyles = makeStyles({
  ...cardListRules,
  tags: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalXS, margin: 0, padding: 0, listStyleType: "none" },
  subheading: { margin: `${tokens.spacingVerticalS} 0 0`, fontSize: tokens.fontSizeBase400, overflowWrap: "anywhere" },
  text: { margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere" },
  // A row of filters that wraps; no control grows wider than the page.
  filters: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "flex-start",
    gap: tokens.spacingHorizontalM,
    "& > *": { maxWidth: "100%", minWidth: 0 },
    "& .fui-Select, & select": { maxWidth: "100%", minWidth: 0 },
  },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "48em" },
  fieldGroup: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  choices: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalL },
  fieldset: { border: "none", margin: 0, padding: 0, minWidth: 0 },
  legend: { padding: 0, marginBottom: tokens.spacingVerticalXS, fontWeight: tokens.fontWeightSemibold },
  counter: { color: tokens.colorNeutralForeground2 },
  counterOver: { color: tokens.colorPaletteRedForeground1 },
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    minWidth: 0,
  },
});

/** "Solved case", or the type of a material ("Article"). */
export function useKindLabel(): (entry: Pick<EntrySummary, "kind" | "materialType">) => string {
  const t = useT();
  return (entry) =>
    entry.kind === "solved_case"
      ? t("library.kind.solved_case")
      : t(`library.materialType.${entry.materialType ?? "link"}`);
}

/** Show a badge on an entry that readers do not see: a draft or an unpublished entry. */
export function StatusBadge({ status }: { status: EntryStatus }) {
  const t = useT();
  if (status === "published") return null;
  return (
    <Badge appearance="tint" color={status === "draft" ? "informative" : "warning"}>
      {t(`library.status.${status}`)}
    </Badge>
  );
}

export function RubricTags({ rubrics, label }: { rubrics: Rubric[]; label: string }) {
  const styles = useLibraryStyles();
  if (rubrics.length === 0) return null;
  return (
    <ul className={styles.tags} aria-label={label}>
      {rubrics.map((rubric) => (
        <li key={rubric.key}>
          <Badge appearance="outline" color="brand" shape="rounded" style={{ maxWidth: "100%", height: "auto" }}>
            {rubric.title}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

/** "123 of 2 000 characters", red past the limit. */
export function CharacterCount({ length, limit, id }: { length: number; limit: number; id?: string }) {
  const t = useT();
  const format = useFormat();
  const styles = useLibraryStyles();
  return (
    <Caption1 id={id} className={length > limit ? styles.counterOver : styles.counter}>
      {t("library.characters", { length: format.number(length), limit: format.number(limit) })}
    </Caption1>
  );
}

/** Count characters as the server does: code points after NFC normalisation. */
export function textLength(text: string): number {
  return Array.from(text.trim().normalize("NFC")).length;
}

/** Tell whether a stored link may become an href: the server accepts http and https only. */
export function isWebLink(url: string | null): url is string {
  return url !== null && /^https?:\/\//i.test(url);
}

// The hash of the last search, so an entry page leads back to the same results.
let lastSearch = "/";

export function rememberSearch(path: string): void {
  lastSearch = path;
}

export function searchPath(): string {
  return lastSearch;
}

/** Checkboxes of every rubric in a fieldset, with the server's message for the field. */
export function RubricChoice({
  rubrics,
  selected,
  onChange,
  message,
}: {
  rubrics: Rubric[];
  selected: string[];
  onChange(selected: string[]): void;
  message?: string;
}) {
  const t = useT();
  const styles = useLibraryStyles();
  const toggle = (key: string, checked: boolean) =>
    onChange(checked ? [...selected, key] : selected.filter((item) => item !== key));
  return (
    <fieldset className={styles.fieldset} aria-describedby={message ? "library-rubrics-message" : undefined}>
      <legend className={styles.legend}>
        {t("library.field.rubrics")} <span aria-hidden="true">*</span>
      </legend>
      <div className={styles.choices}>
        {rubrics.map((rubric) => (
          <Checkbox
            key={rubric.key}
            label={rubric.title}
            checked={selected.includes(rubric.key)}
            onChange={(_, data) => toggle(rubric.key, Boolean(data.checked))}
          />
        ))}
      </div>
      {message ? (
        <Caption1 id="library-rubrics-message" className={styles.counterOver}>
          {message}
        </Caption1>
      ) : null}
    </fieldset>
  );
}
