// Pieces the forum's views share: the breadcrumb trail, the styles of a
// list row, the character counter and the "hidden" and "locked" badges.
import {
  Badge,
  Breadcrumb,
  BreadcrumbButton,
  BreadcrumbDivider,
  BreadcrumbItem,
  Caption1,
  makeStyles,
  shorthands,
  tokens,
} from "@fluentui/react-components";
import { EyeOffRegular, LockClosedRegular } from "@fluentui/react-icons";
import { Fragment } from "react";
import { useFormat } from "../../format";
import { useT } from "../../i18n";
import { cardListRules } from "../../ui/cardList";

// The section for public cases: the API returns no author names there.
export const WAY_OUT_SECTION = "way_out";

/** The name shown for an author: "Participant" in the section for public cases. */
export function useAuthorLabel(sectionKey: string) {
  const t = useT();
  return (author: { authorName: string | null; isOwn: boolean }) => {
    if (sectionKey === WAY_OUT_SECTION) {
      return t(author.isOwn ? "forum.participantYou" : "forum.participant");
    }
    return author.authorName ?? t("forum.formerMember");
  };
}

export const useForumStyles = makeStyles({
  ...cardListRules,
  hiddenCard: {
    ...shorthands.borderStyle("dashed"),
    backgroundColor: tokens.colorNeutralBackground2,
  },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "48em" },
  fieldGroup: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  replySection: { marginTop: tokens.spacingVerticalL },
  counter: { color: tokens.colorNeutralForeground2 },
  counterOver: { color: tokens.colorPaletteRedForeground1 },
});

export interface Crumb {
  label: string;
  /** The hash route; the last crumb, the current view, has none. */
  href?: string;
}

/** The path from the sections to the current view. */
export function Crumbs({ items }: { items: Crumb[] }) {
  const t = useT();
  return (
    <Breadcrumb aria-label={t("forum.breadcrumb")} size="medium">
      {items.map((item, index) => (
        <Fragment key={`${index}-${item.label}`}>
          {index > 0 ? <BreadcrumbDivider /> : null}
          <BreadcrumbItem>
            <BreadcrumbButton
              href={item.href}
              current={item.href === undefined}
              style={{ maxWidth: "100%", whiteSpace: "normal", textAlign: "start", height: "auto" }}
            >
              {item.label}
            </BreadcrumbButton>
          </BreadcrumbItem>
        </Fragment>
      ))}
    </Breadcrumb>
  );
}

/** "123 / 10 000 characters", red past the limit. */
export function CharacterCount({ length, limit, id }: { length: number; limit: number; id?: string }) {
  const t = useT();
  const format = useFormat();
  const styles = useForumStyles();
  return (
    <Caption1 id={id} className={length > limit ? styles.counterOver : styles.counter}>
      {t("forum.characters", { length: format.number(length), limit: format.number(limit) })}
    </Caption1>
  );
}

export function HiddenBadge() {
  const t = useT();
  return (
    <Badge appearance="tint" color="warning" icon={<EyeOffRegular />}>
      {t("forum.hiddenBadge")}
    </Badge>
  );
}

export function LockedBadge() {
  const t = useT();
  return (
    <Badge appearance="tint" color="informative" icon={<LockClosedRegular />}>
      {t("forum.lockedBadge")}
    </Badge>
  );
}

/** Count characters as the server does: code points after NFC normalisation. */
export function textLength(text: string): number {
  return Array.from(text.trim().normalize("NFC")).length;
}
