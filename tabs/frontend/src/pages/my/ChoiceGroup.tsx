// A labelled group of checkboxes with the server's message for the group.
//
// A Fluent Field hands its one id to every Checkbox inside it, so a Field
// around a list of checkboxes gives them all the same id and ties its label to
// the first one only. This fieldset leaves each Checkbox its own id and label.
import { makeStyles, mergeClasses, tokens, useId } from "@fluentui/react-components";
import { DiamondDismiss12Filled } from "@fluentui/react-icons";
import type { ReactNode } from "react";
import { ApiProblem } from "../../api";

const useStyles = makeStyles({
  fieldset: {
    border: "none",
    margin: 0,
    padding: 0,
    minWidth: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: 0, marginBottom: tokens.spacingVerticalXS },
  required: { color: tokens.colorPaletteRedForeground3, paddingInlineStart: tokens.spacingHorizontalXS },
  message: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXS,
    color: tokens.colorPaletteRedForeground1,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
});

/**
 * Render `children` (checkboxes, or nested groups) in a fieldset whose legend
 * is `legend`. The first message the last `problem` has for one of `names`
 * (API field names) shows under the group and describes it.
 */
export function ChoiceGroup({
  names,
  legend,
  problem,
  required = false,
  className,
  children,
}: {
  names: string[];
  legend: ReactNode;
  problem?: unknown;
  required?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const styles = useStyles();
  const messageId = useId("choice-message");
  const message =
    problem instanceof ApiProblem
      ? names.map((name) => problem.fieldMessage(name)).find((text) => text !== undefined)
      : undefined;
  return (
    <fieldset
      className={mergeClasses(styles.fieldset, className)}
      aria-describedby={message ? messageId : undefined}
    >
      <legend className={styles.legend}>
        {legend}
        {required ? (
          <span className={styles.required} aria-hidden="true">
            *
          </span>
        ) : null}
      </legend>
      {children}
      {message ? (
        <div id={messageId} className={styles.message} role="alert">
          <DiamondDismiss12Filled aria-hidden />
          {message}
        </div>
      ) : null}
    </fieldset>
  );
}
