// Shapes of the forum API's JSON (see tabs/api/forum.py).

export interface Section {
  key: string;
  title: string;
  description: string;
  rubricKey: string | null;
  topicCount: number;
  lastActivityAt: string | null;
}

export interface SectionList {
  items: Section[];
  /** How long after posting an author may still edit a post. */
  editWindowHours: number;
}

export interface Topic {
  id: number;
  sectionKey: string;
  sectionTitle: string;
  title: string;
  /** Null when the author's account was erased, and always in the section for public cases. */
  authorName: string | null;
  isOwn: boolean;
  postCount: number;
  locked: boolean;
  /** Only moderators get hidden topics. */
  hidden: boolean;
  createdAt: string;
  lastPostAt: string;
  canReply: boolean;
}

export interface TopicList {
  section: Section;
  items: Topic[];
  total: number;
}

export interface Post {
  id: number;
  topicId: number;
  /** Null when the author's account was erased, and always in the section for public cases. */
  authorName: string | null;
  isOwn: boolean;
  isFirst: boolean;
  body: string;
  /** Only moderators get hidden posts. */
  hidden: boolean;
  createdAt: string;
  editedAt: string | null;
  canEdit: boolean;
}

export interface TopicPage {
  topic: Topic;
  items: Post[];
  total: number;
}

// Limits the server enforces; the forms count characters against them.
export const TITLE_LIMIT = 200;
export const POST_LIMIT = 10_000;
