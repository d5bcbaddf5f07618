// Shapes of the news API's JSON (see tabs/api/news.py).

export type NewsStatus = "published" | "unpublished";

export interface NewsItem {
  id: number;
  title: string;
  /** Plain text; blank lines separate paragraphs. */
  body: string;
  /** Only moderators get unpublished items. */
  status: NewsStatus;
  authorName: string | null;
  publishedAt: string;
  updatedAt: string | null;
}

export interface NewsList {
  items: NewsItem[];
  total: number;
}

// Limits the server enforces; the editor counts characters against them.
export const TITLE_LIMIT = 200;
export const BODY_LIMIT = 20_000;
