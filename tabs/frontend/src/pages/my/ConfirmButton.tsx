// A button that requests confirmation before an action that cannot be undone, such as withdrawing a case.
// The question opens in place rather than in a Fluent Dialog: the dialog's focus
// trap adds aria-hidden focusable elements to <body>, which axe-core reports.
import { Body1, Button, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useId, useRef, useState, type ReactElement } from "react";
import { useT } from "../../i18n";

const useStyles = makeStyles({
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThick} solid ${tokens.colorPaletteRedBorder2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    flexBasis: "100%",
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  buttons: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
});

export interface ConfirmButtonProps {
  label: string;
  title: string;
  message: string;
  confirmLabel: string;
  disabled?: boolean;
  icon?: ReactElement;
  onConfirm(): void;
}

export function ConfirmButton({ label, title, message, confirmLabel, disabled, icon, onConfirm }: ConfirmButtonProps) {
  const t = useT();
  const styles = useStyles();
  const id = useId();
  const [open, setOpen] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) confirmRef.current?.focus();
  }, [open]);
  if (!open) {
    return (
      <Button ref={openerRef} disabled={disabled} icon={icon} onClick={() => setOpen(true)} aria-expanded={false}>
        {label}
      </Button>
    );
  }
  const close = () => {
    setOpen(false);
    // The opener is rendered again on the next paint.
    window.setTimeout(() => openerRef.current?.focus(), 0);
  };
  return (
    <div className={styles.panel} role="group" aria-labelledby={`${id}-title`} aria-describedby={`${id}-message`}>
      <h3 className={styles.title} id={`${id}-title`}>
        {title}
      </h3>
      <Body1 id={`${id}-message`}>{message}</Body1>
      <div className={styles.buttons}>
        <Button
          ref={confirmRef}
          appearance="primary"
          disabled={disabled}
          onClick={() => {
            setOpen(false);
            onConfirm();
          }}
        >
          {confirmLabel}
        </Button>
        <Button onClick={close}>{t("form.cancel")}</Button>
      </div>
    </div>
  );
}
