// The tabs the server serves at /tabs/<key>, in the order of the section links.
export const PAGE_KEYS = ["my", "library", "mentors", "calendar", "forum", "news", "stats"] as const;
export type PageKey = (typeof PAGE_KEYS)[number];

/** Whether the section links offer a tab to a user with these roles. */
export function pageVisible(key: PageKey, hasRole: (role: string) => boolean): boolean {
  // Moderators see the platform's statistics and mentors their own figures.
  if (key === "stats") return hasRole("mentor") || hasRole("moderator");
  return true;
}
