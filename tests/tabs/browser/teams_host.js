// A local stand-in for the Teams web client. It frames one tab, replies to
// the postMessage protocol of @microsoft/teams-js 2.58 (the host side of
// initialize, getContext, authentication.getAuthToken, registerHandler and
// the appInitialization notifications), and sends themeChange events.
//
// A request from the tab is {id, uuidAsString, func, args, ...}. The host
// replies with {id, uuidAsString, args} and sends events as {func, args}.
(() => {
  const config = JSON.parse(document.getElementById("host-config").textContent);
  const frame = document.getElementById("tab");
  const tabOrigin = new URL(config.tabUrl).origin;

  // The host capabilities a Teams web client reports (runtime config version 4).
  const runtimeConfig = {
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isLegacyTeams: false,
    supports: {
      app: {},
      appInstallDialog: {},
      pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
      teams: { fullTrust: {} },
    },
  };

  const host = {
    // Every request and notification the tab sent, in order.
    messages: [],
    // Events the tab registered for with registerHandler.
    registeredHandlers: [],
    theme: config.theme,
    locale: config.locale,
    token: config.token,
    // When set, getAuthToken fails with this reason (as Teams does on consent errors).
    tokenError: config.tokenError,
    setTheme(theme) {
      host.theme = theme;
      post({ func: "themeChange", args: [theme] });
    },
    calls(func) {
      return host.messages.filter((message) => message.func === func).length;
    },
  };
  window.teamsHost = host;

  function post(message) {
    frame.contentWindow.postMessage(message, tabOrigin);
  }

  function reply(request, args) {
    post({ id: request.id, uuidAsString: request.uuidAsString, args });
  }

  // The context in the shape hosts send it; teams-js turns it into app.getContext()'s form.
  function legacyContext() {
    return {
      locale: host.locale,
      theme: host.theme,
      entityId: config.entityId,
      subEntityId: config.subEntityId || undefined,
      userObjectId: config.userObjectId,
      userPrincipalName: config.userPrincipalName,
      tid: config.tenantId,
      hostClientType: "web",
      hostName: "Teams",
      frameContext: "content",
      appSessionId: "00000000-0000-4000-8000-000000000001",
      sessionId: "00000000-0000-4000-8000-000000000002",
    };
  }

  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow || event.origin !== tabOrigin) return;
    const request = event.data;
    if (!request || typeof request.func !== "string") return;
    host.messages.push({ func: request.func, args: request.args });
    if (config.silent) return;
    switch (request.func) {
      case "initialize":
        reply(request, ["content", "web", JSON.stringify(runtimeConfig), "2.58.0"]);
        break;
      case "getContext":
        reply(request, [legacyContext()]);
        break;
      case "authentication.getAuthToken":
        if (host.tokenError) reply(request, [false, host.tokenError]);
        else reply(request, [true, host.token]);
        break;
      case "registerHandler":
        host.registeredHandlers.push(request.args[0]);
        break;
      default:
        // Notifications such as appInitialization.success need no reply.
        break;
    }
  });

  frame.src = config.tabUrl;
})();
