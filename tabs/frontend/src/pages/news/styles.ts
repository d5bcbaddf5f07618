// Styles the news views share.
import { makeStyles, tokens } from "@fluentui/react-components";

export const useNewsStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  list: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    listStyleType: "none",
    margin: 0,
    padding: 0,
  },
  card: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  article: { maxWidth: "48em" },
  cardTitle: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightBase500,
    overflowWrap: "anywhere",
  },
  heading: { margin: 0, overflowWrap: "anywhere" },
  meta: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    color: tokens.colorNeutralForeground2,
  },
  excerpt: { margin: 0, overflowWrap: "anywhere", whiteSpace: "pre-wrap" },
  toolbar: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
  back: { alignSelf: "flex-start" },
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "48em" },
  fieldGroup: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  counter: { color: tokens.colorNeutralForeground2 },
  counterOver: { color: tokens.colorPaletteRedForeground1 },
});
