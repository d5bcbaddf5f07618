// Page key (the <key> of /tabs/<key>) -> the component the shell renders.
// Each area adds one line here for its folder src/pages/<area>/. Pages load
// lazily, so each tab downloads and parses only its own code.
import { type ComponentType, lazy } from "react";

/** Wrap a named export of a page module for React.lazy. */
function page<Name extends string>(
  load: () => Promise<Record<Name, ComponentType>>,
  name: Name,
): ComponentType {
  return lazy(async () => {
    const module = await load();
    const component: ComponentType = module[name];
    return { default: component };
  });
}

export const pages: Record<string, ComponentType> = {
  calendar: page(() => import("./calendar/CalendarPage"), "CalendarPage"),
  forum: page(() => import("./forum/ForumPage"), "ForumPage"),
  library: page(() => import("./library/LibraryPage"), "LibraryPage"),
  my: page(() => import("./my/MyPage"), "MyPage"),
  mentors: page(() => import("./mentors/MentorsPage"), "MentorsPage"),
  news: page(() => import("./news/NewsPage"), "NewsPage"),
  stats: page(() => import("./stats/StatsPage"), "StatsPage"),
};
