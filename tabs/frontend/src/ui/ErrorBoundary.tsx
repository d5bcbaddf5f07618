// Catch a render error of a page and show it instead of a blank page.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { translate } from "../i18n";
import { PageLayout } from "./PageLayout";
import { ProblemBanner } from "./ProblemBanner";

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("page failed to render:", error, info.componentStack);
  }

  render(): ReactNode {
    if (this.state.error) {
      const locale = document.documentElement.lang === "en" ? "en" : "ru";
      return (
        <PageLayout title={translate(locale, "app.name")}>
          <ProblemBanner problem={this.state.error} onRetry={() => this.setState({ error: null })} />
        </PageLayout>
      );
    }
    return this.props.children;
  }
}
