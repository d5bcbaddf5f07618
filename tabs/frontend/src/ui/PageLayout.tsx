// The frame of every page: a header with the title (and, outside Teams, the
// section links, language and theme switchers and sign-out), then <main>.
import { Title3, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { useT } from "../i18n";
import { usePreferences } from "../preferences";
import { useOptionalSession } from "../session";
import { PAGE_KEYS, pageVisible } from "../pages/keys";
import { HeaderSettings } from "./HeaderSettings";

const useStyles = makeStyles({
  root: {
    minHeight: "100vh",
    display: "flex",
    flexDirection: "column",
    color: tokens.colorNeutralForeground1,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  skip: {
    position: "absolute",
    left: "-10000px",
    top: "auto",
    ":focus": {
      left: tokens.spacingHorizontalS,
      top: tokens.spacingVerticalS,
      zIndex: 10,
      padding: tokens.spacingHorizontalS,
      backgroundColor: tokens.colorNeutralBackground1,
      color: tokens.colorBrandForegroundLink,
    },
  },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  title: {
    flexGrow: 1,
    margin: 0,
    minWidth: 0,
    overflowWrap: "anywhere",
  },
  actions: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
  },
  nav: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    overflowX: "auto",
  },
  navList: {
    display: "flex",
    gap: tokens.spacingHorizontalXS,
    listStyleType: "none",
    margin: 0,
    padding: `0 ${tokens.spacingHorizontalM}`,
  },
  navLink: {
    display: "block",
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    color: tokens.colorNeutralForeground2,
    textDecorationLine: "none",
    whiteSpace: "nowrap",
    borderBottom: `${tokens.strokeWidthThicker} solid transparent`,
    ":hover": { color: tokens.colorNeutralForeground1, textDecorationLine: "underline" },
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  navCurrent: {
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
    borderBottomColor: tokens.colorCompoundBrandStroke,
  },
  main: {
    flexGrow: 1,
    boxSizing: "border-box",
    width: "100%",
    maxWidth: "1100px",
    margin: "0 auto",
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    ":focus": { outlineStyle: "none" },
  },
});

export interface PageLayoutProps {
  title: string;
  /** Buttons shown next to the title, such as "New entry". */
  actions?: ReactNode;
  children: ReactNode;
  /** The tab this page belongs to, marked as current in the section links. */
  page?: string;
}

export function PageLayout({ title, actions, children, page }: PageLayoutProps) {
  const t = useT();
  const styles = useStyles();
  const { inTeams } = usePreferences();
  const session = useOptionalSession();
  const currentPage = page ?? document.getElementById("root")?.dataset.page;

  const focusMain = (event: React.MouseEvent) => {
    // A real "#main" link would replace the hash route.
    event.preventDefault();
    document.getElementById("main")?.focus();
  };

  return (
    <div className={styles.root}>
      <a className={styles.skip} href="#main" onClick={focusMain}>
        {t("app.skipToContent")}
      </a>
      <header className={styles.header}>
        <Title3 as="h1" className={styles.title}>
          {title}
        </Title3>
        {actions ? <div className={styles.actions}>{actions}</div> : null}
        {inTeams ? null : <HeaderSettings />}
      </header>
      {!inTeams && session ? (
        <nav className={styles.nav} aria-label={t("nav.label")}>
          <ul className={styles.navList}>
            {PAGE_KEYS.filter((key) => pageVisible(key, session.hasRole)).map((key) => (
              <li key={key}>
                <a
                  href={`/tabs/${key}`}
                  className={mergeClasses(styles.navLink, key === currentPage && styles.navCurrent)}
                  aria-current={key === currentPage ? "page" : undefined}
                >
                  {t(`nav.${key}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" className={styles.main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
