// Page key (the <key> of /tabs/<key>) -> the component the shell renders.
// Each area adds one line here for its folder src/pages/<area>/.
import type { ComponentType } from "react";
import { CalendarPage } from "./calendar/CalendarPage";
import { ForumPage } from "./forum/ForumPage";
import { LibraryPage } from "./library/LibraryPage";
import { MyPage } from "./my/MyPage";
import { MentorsPage } from "./mentors/MentorsPage";
import { NewsPage } from "./news/NewsPage";
import { StatsPage } from "./stats/StatsPage";

export const pages: Record<string, ComponentType> = {
  calendar: CalendarPage,
  forum: ForumPage,
  library: LibraryPage,
  my: MyPage,
  mentors: MentorsPage,
  news: NewsPage,
  stats: StatsPage,
};
