// The sign-in page outside Teams: Microsoft sign-in (MSAL redirect) and, in
// demo mode only, a list of demo users to sign in as.
import {
  Button,
  Caption1,
  Card,
  CardHeader,
  Body1,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { PersonRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { ApiProblem, createApi } from "../api";
import { type ClientConfig, type TokenSource, demoTokenSource, startMicrosoftSignIn, storeDemoSession } from "../auth";
import { useLocale, useT } from "../i18n";
import { Loading } from "../ui/Loading";
import { PageLayout } from "../ui/PageLayout";
import { ProblemBanner } from "../ui/ProblemBanner";

interface DemoUser {
  id: number | string;
  displayName: string;
  roles: string[];
}

const useStyles = makeStyles({
  column: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    maxWidth: "560px",
  },
  card: { padding: tokens.spacingHorizontalL },
  users: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    listStyleType: "none",
    margin: 0,
    padding: 0,
  },
  userButton: { width: "100%", justifyContent: "flex-start", textAlign: "start" },
  roles: { color: tokens.colorNeutralForeground2, marginInlineStart: tokens.spacingHorizontalS },
});

export interface SignInPageProps {
  config: ClientConfig | null;
  configProblem: ApiProblem | null;
  expired: boolean;
  page: string;
  onRetry(): void;
  onSignedIn(source: TokenSource): void;
}

export function SignInPage({ config, configProblem, expired, page, onRetry, onSignedIn }: SignInPageProps) {
  const t = useT();
  const locale = useLocale();
  const styles = useStyles();
  const [problem, setProblem] = useState<ApiProblem | Error | null>(null);
  const [demoUsers, setDemoUsers] = useState<DemoUser[] | null>(null);
  const [busy, setBusy] = useState(false);

  // Requests of this page carry no token, so a 401 has nothing to renew.
  const api = useCallback(
    () => createApi({ tokenSource: null, locale, onSignInRequired: () => undefined }),
    [locale],
  );

  useEffect(() => {
    if (!config?.demo) return;
    api()
      .get<DemoUser[]>("/demo/users")
      .then(setDemoUsers)
      .catch((error: unknown) => setProblem(error as Error));
  }, [config?.demo, api]);

  const signInAs = async (user: DemoUser) => {
    setBusy(true);
    setProblem(null);
    try {
      const session = await api().post<{ token: string; expiresAt: string }>("/demo/sessions", { userId: user.id });
      storeDemoSession(session);
      const source = demoTokenSource();
      if (!source) throw new Error("the demo session expired at once");
      if (page === "signin") {
        window.location.assign(nextPage());
        return;
      }
      onSignedIn(source);
    } catch (error) {
      setProblem(error as Error);
      setBusy(false);
    }
  };

  const signInWithMicrosoft = async () => {
    if (!config) return;
    setBusy(true);
    try {
      await startMicrosoftSignIn(config);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      setProblem(new Error(t("signin.failed", { reason })));
      setBusy(false);
    }
  };

  return (
    <PageLayout title={t("signin.title")}>
      <div className={styles.column}>
        {expired ? (
          <MessageBar intent="warning" role="status">
            <MessageBarBody>{t("signin.expired")}</MessageBarBody>
          </MessageBar>
        ) : null}
        {configProblem ? <ProblemBanner problem={configProblem} onRetry={onRetry} /> : null}
        {problem ? <ProblemBanner problem={problem} onDismiss={() => setProblem(null)} /> : null}
        <Body1 as="p">{t("signin.intro")}</Body1>
        {config ? (
          config.clientId ? (
            <div>
              <Button appearance="primary" size="large" disabled={busy} onClick={() => void signInWithMicrosoft()}>
                {t("signin.microsoft")}
              </Button>
            </div>
          ) : (
            <Caption1 as="p">{t("signin.microsoftUnavailable")}</Caption1>
          )
        ) : null}
        {config?.demo ? (
          <Card className={styles.card}>
            <CardHeader header={<Subtitle2 as="h2">{t("signin.demo.title")}</Subtitle2>} description={<Caption1>{t("signin.demo.intro")}</Caption1>} />
            {demoUsers === null ? (
              <Loading />
            ) : demoUsers.length === 0 ? (
              <Body1 as="p">{t("signin.demo.empty")}</Body1>
            ) : (
              <ul className={styles.users}>
                {demoUsers.map((user) => (
                  <li key={user.id}>
                    <Button
                      className={styles.userButton}
                      icon={<PersonRegular />}
                      disabled={busy}
                      onClick={() => void signInAs(user)}
                    >
                      {user.displayName}
                      <span className={styles.roles}>{user.roles.map((role) => t(`role.${role}`)).join(", ")}</span>
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        ) : null}
      </div>
    </PageLayout>
  );
}

/** Return the page /tabs/signin opens after a demo sign-in: ?next= when it is a tab, else My cases. */
function nextPage(): string {
  const next = new URLSearchParams(window.location.search).get("next") ?? "";
  return /^\/tabs\/[a-z]+$/.test(next) ? next : "/tabs/my";
}
