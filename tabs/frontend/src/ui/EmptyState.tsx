import { Body1, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { useT } from "../i18n";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    alignItems: "center",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalL}`,
    textAlign: "center",
    color: tokens.colorNeutralForeground2,
  },
});

/** What a list shows when it has no items; `action` is an optional button. */
export function EmptyState({ title, children, action }: { title?: string; children?: ReactNode; action?: ReactNode }) {
  const t = useT();
  const styles = useStyles();
  return (
    <div className={styles.root}>
      {title ? <Subtitle2 as="p">{title}</Subtitle2> : null}
      <Body1 as="p">{children ?? (title ? null : t("empty.default"))}</Body1>
      {action}
    </div>
  );
}
