import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
} from "@fluentui/react-components";
import { ApiProblem } from "../api";
import { useT } from "../i18n";

const useStyles = makeStyles({
  list: { margin: "4px 0 0", paddingInlineStart: "20px" },
});

export interface ProblemBannerProps {
  problem: ApiProblem | Error;
  onRetry?: () => void;
  onDismiss?: () => void;
  /** Field names to leave out of the list because the form shows them next to the fields. */
  fieldsShownInline?: readonly string[];
}

/**
 * Show an error: the server's translated detail, and the per-field messages
 * that the form does not show next to its fields.
 */
export function ProblemBanner({ problem, onRetry, onDismiss, fieldsShownInline = [] }: ProblemBannerProps) {
  const t = useT();
  const styles = useStyles();
  const apiProblem = problem instanceof ApiProblem ? problem : null;
  const detail = apiProblem ? apiProblem.detail || apiProblem.title : problem.message;
  const fieldErrors = (apiProblem?.errors ?? []).filter((error) => !fieldsShownInline.includes(error.field));
  return (
    <MessageBar intent="error" layout="multiline" role="alert" data-problem-code={apiProblem?.code}>
      <MessageBarBody>
        {apiProblem?.title && apiProblem.title !== detail ? <MessageBarTitle>{apiProblem.title}</MessageBarTitle> : null}
        {detail}
        {fieldErrors.length > 0 ? (
          <>
            <div>{t("problem.fieldList")}</div>
            <ul className={styles.list}>
              {fieldErrors.map((error) => (
                <li key={`${error.field}:${error.code}`}>{error.message}</li>
              ))}
            </ul>
          </>
        ) : null}
      </MessageBarBody>
      {onRetry || onDismiss ? (
        <MessageBarActions>
          {onRetry ? <Button onClick={onRetry}>{t("problem.retry")}</Button> : null}
          {onDismiss ? <Button onClick={onDismiss}>{t("problem.dismiss")}</Button> : null}
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}
