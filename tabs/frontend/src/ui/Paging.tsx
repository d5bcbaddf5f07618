import { Button, Caption1, makeStyles, tokens } from "@fluentui/react-components";
import { ChevronLeftRegular, ChevronRightRegular } from "@fluentui/react-icons";
import { useT } from "../i18n";

const useStyles = makeStyles({
  root: {
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalM} 0`,
  },
});

export interface PagingProps {
  /** Index of the first item shown, from 0 (the API's `offset`). */
  offset: number;
  /** Items per page (the API's `limit`). */
  limit: number;
  /** Items in the whole result. */
  total: number;
  onChange(offset: number): void;
}

/** Previous and next buttons with "Page 2 of 5"; hidden when everything fits on one page. */
export function Paging({ offset, limit, total, onChange }: PagingProps) {
  const t = useT();
  const styles = useStyles();
  if (total <= limit && offset === 0) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className={styles.root} aria-label={t("paging.label")}>
      <Button
        icon={<ChevronLeftRegular />}
        aria-label={t("paging.previous")}
        title={t("paging.previous")}
        disabled={offset <= 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      />
      <Caption1 aria-live="polite">
        {t("paging.status", { page, pages })} · {t("paging.range", { first, last, total })}
      </Caption1>
      <Button
        icon={<ChevronRightRegular />}
        aria-label={t("paging.next")}
        title={t("paging.next")}
        disabled={last >= total}
        onClick={() => onChange(offset + limit)}
      />
    </nav>
  );
}
