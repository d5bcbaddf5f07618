import { Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { useT } from "../i18n";

const useStyles = makeStyles({
  fullPage: {
    minHeight: "60vh",
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
  },
  inline: {
    padding: tokens.spacingVerticalXXL,
  },
});

/** A spinner with a visible "Loading…" label; `label` overrides the text. */
export function Loading({ label, fullPage = false }: { label?: string; fullPage?: boolean }) {
  const t = useT();
  const styles = useStyles();
  return (
    <div className={fullPage ? styles.fullPage : styles.inline} role="status" aria-live="polite">
      <Spinner label={label ?? t("app.loading")} />
    </div>
  );
}
