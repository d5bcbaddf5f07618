// Plain text shown as paragraphs: a blank line starts a new paragraph and a
// single line break stays a line break. The text is rendered as React text
// nodes, so any markup in it is shown as typed, never interpreted.
import { makeStyles, tokens } from "@fluentui/react-components";

const useStyles = makeStyles({
  paragraph: {
    margin: `0 0 ${tokens.spacingVerticalM}`,
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    ":last-child": { marginBottom: 0 },
  },
});

/** Split text into paragraphs on blank lines (lines holding only spaces count as blank). */
export function splitParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ""))
    .filter((paragraph) => paragraph.trim() !== "");
}

export function Paragraphs({ text, className }: { text: string; className?: string }) {
  const styles = useStyles();
  return (
    <div className={className}>
      {splitParagraphs(text).map((paragraph, index) => (
        <p key={index} className={styles.paragraph}>
          {paragraph}
        </p>
      ))}
    </div>
  );
}
