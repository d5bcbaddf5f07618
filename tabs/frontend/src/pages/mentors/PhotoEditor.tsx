// The profile photo: the current one, a local preview of a chosen file with
// the square crop the server will make, upload and removal. The server checks
// the file by its content; the size check here only saves a useless upload.
import { Button, Caption1, MessageBar, MessageBarBody, Subtitle2, makeStyles, tokens } from "@fluentui/react-components";
import { ArrowUploadRegular, DeleteRegular, ImageAddRegular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";
import { ApiProblem, useApi } from "../../api";
import { useT } from "../../i18n";
import { ProblemBanner } from "../../ui/ProblemBanner";
import { MentorAvatar } from "./common";
import type { MentorProfile } from "./types";

const ACCEPT = "image/jpeg,image/png,image/gif";
const SIDE = "150px";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalL, alignItems: "center" },
  preview: {
    width: SIDE,
    height: SIDE,
    objectFit: "cover",
    objectPosition: "center",
    boxSizing: "border-box",
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
  },
  figure: { margin: 0, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  hint: { color: tokens.colorNeutralForeground2 },
  hidden: { display: "none" },
});

export function PhotoEditor({
  profile,
  path,
  maxBytes,
  onChange,
}: {
  profile: MentorProfile;
  /** "/mentors/<id>/photo" */
  path: string;
  maxBytes: number;
  onChange(profile: MentorProfile): void;
}) {
  const t = useT();
  const api = useApi();
  const styles = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sizeMb = Math.round(maxBytes / (1024 * 1024));

  // Free the preview's object URL when it changes or the editor closes.
  useEffect(() => {
    if (!file) {
      setPreviewUrl(null);
      return undefined;
    }
    const url = URL.createObjectURL(file);
    setPreviewUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const choose = (chosen: File | undefined) => {
    setNotice(null);
    setProblem(null);
    if (!chosen) return;
    if (chosen.size > maxBytes) {
      setFile(null);
      setProblem(new Error(t("mentors.photo.tooLarge", { size: sizeMb })));
      return;
    }
    setFile(chosen);
  };

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setProblem(null);
    try {
      const form = new FormData();
      form.append("photo", file, file.name);
      onChange(await api.upload<MentorProfile>(path, form));
      setFile(null);
      setNotice(t("mentors.photo.saved"));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : (error as Error));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  };

  const remove = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onChange(await api.del<MentorProfile>(path));
      setNotice(t("mentors.photo.removed"));
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className={styles.root} aria-labelledby="photo-heading">
      <Subtitle2 as="h2" id="photo-heading">
        {t("mentors.photo.title")}
      </Subtitle2>
      <div className={styles.row}>
        <figure className={styles.figure}>
          <MentorAvatar mentor={profile} size={128} />
          <figcaption>
            <Caption1 className={styles.hint}>
              {profile.photoUrl ? t("mentors.photo.current") : t("mentors.photo.none")}
            </Caption1>
          </figcaption>
        </figure>
        {previewUrl ? (
          <figure className={styles.figure}>
            <img className={styles.preview} src={previewUrl} alt={t("mentors.photo.preview")} data-testid="photo-preview" />
            <figcaption>
              <Caption1 className={styles.hint}>{t("mentors.photo.previewHint")}</Caption1>
            </figcaption>
          </figure>
        ) : null}
      </div>
      <Caption1 className={styles.hint}>{t("mentors.photo.rules", { size: sizeMb })}</Caption1>
      <input
        ref={input}
        className={styles.hidden}
        type="file"
        accept={ACCEPT}
        aria-hidden="true"
        tabIndex={-1}
        data-testid="photo-input"
        onChange={(event) => choose(event.target.files?.[0])}
      />
      <div className={styles.actions}>
        <Button icon={<ImageAddRegular />} disabled={busy} onClick={() => input.current?.click()}>
          {t("mentors.photo.choose")}
        </Button>
        {file ? (
          <>
            <Button appearance="primary" icon={<ArrowUploadRegular />} disabled={busy} onClick={upload}>
              {busy ? t("mentors.photo.uploading") : t("mentors.photo.upload")}
            </Button>
            <Button disabled={busy} onClick={() => setFile(null)}>
              {t("mentors.photo.cancel")}
            </Button>
          </>
        ) : null}
        {profile.photoUrl && !file ? (
          <Button icon={<DeleteRegular />} disabled={busy} onClick={remove}>
            {t("mentors.photo.remove")}
          </Button>
        ) : null}
      </div>
      {problem ? (
        <ProblemBanner problem={problem} fieldsShownInline={["photo"]} onDismiss={() => setProblem(null)} />
      ) : null}
      {notice ? (
        <MessageBar intent="success" role="status">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
    </section>
  );
}
