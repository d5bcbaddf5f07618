// Shapes of the library API (/api/v1/library/...) and the limits it checks.

export interface Rubric {
  key: string;
  title: string;
}

export type EntryKind = "solved_case" | "material";
export type MaterialType = "article" | "book" | "link" | "video";
export type EntryStatus = "draft" | "published" | "unpublished";
export type SortOrder = "relevance" | "newest" | "oldest";

export const MATERIAL_TYPES: readonly MaterialType[] = ["article", "book", "link", "video"];

export interface Filters {
  rubrics: Rubric[];
  kinds: EntryKind[];
  materialTypes: MaterialType[];
  languages: string[];
  sorts: SortOrder[];
  queryLimit: number;
}

export interface EntrySummary {
  id: number;
  kind: EntryKind;
  materialType: MaterialType | null;
  status: EntryStatus;
  title: string;
  summary: string;
  url: string | null;
  language: string;
  rubrics: Rubric[];
  publishedAt: string | null;
}

export interface EntryPage {
  items: EntrySummary[];
  total: number;
  offset: number;
  limit: number;
  sort: SortOrder;
}

export interface AttachedMaterial {
  id: number;
  title: string;
  url: string | null;
  materialType: MaterialType | null;
  status: EntryStatus;
}

export interface SolvedCase {
  essence: string;
  actionsTaken: string;
  whyDifficult: string;
  question: string;
  participants: string[];
  urgency: string | null;
  clarifications: { question: string; answer: string }[];
  solutions: { text: string; materials: AttachedMaterial[] }[];
}

export interface EntryDetail extends EntrySummary {
  updatedAt: string | null;
  /** Who added a material; always null for a solved case. */
  addedBy: string | null;
  case: SolvedCase | null;
}

export interface MentorSolution {
  id: number;
  caseNumber: string;
  createdAt: string;
  excerpt: string;
  materials: AttachedMaterial[];
}

export interface SolutionPage {
  items: MentorSolution[];
  total: number;
}

// Maximum lengths in characters, as the server counts them (after NFC).
export const LIMITS = {
  materialTitle: 200,
  summary: 2000,
  url: 2000,
  caseTitle: 200,
  essence: 1000,
  actionsTaken: 1000,
  whyDifficult: 1000,
  question: 500,
  clarificationQuestion: 500,
  clarificationAnswer: 1000,
  solution: 4000,
} as const;
