// Shapes of the "My cases" API (tabs/api/cases.py), camelCase as the server sends them.

export type CaseStatus =
  | "new"
  | "choosing_mentor"
  | "awaiting_mentor"
  | "awaiting_moderator"
  | "in_progress"
  | "awaiting_answers"
  | "awaiting_decision"
  | "solution_offered"
  | "completed"
  | "answered_by_library"
  | "withdrawn";

export type WaitingFor =
  | "teacher_library_choice"
  | "teacher_mentor_pick"
  | "teacher_answers"
  | "teacher_decision"
  | "teacher_reflection"
  | "mentor_acceptance"
  | "mentor_work"
  | "moderator"
  | "nothing"
  | "not_yours";

export type Urgency = "urgent" | "need_advice" | "expert_opinion";
export type Privacy = "personal" | "anonymous";

/** Operations the viewer may start now, as the server lists them in `actions`. */
export type CaseAction =
  | "close_by_library"
  | "find_mentor"
  | "pick_mentor"
  | "answer_questions"
  | "keep_version"
  | "redefine"
  | "complete"
  | "second_opinion"
  | "withdraw"
  | "accept"
  | "decline"
  | "ask_questions"
  | "write_solution"
  | "assign_mentor";

export interface ListPage<T> {
  items: T[];
  total: number;
}

export interface CaseSummary {
  id: number;
  number: string;
  status: CaseStatus;
  urgency: Urgency;
  privacy: Privacy;
  excerpt: string;
  rubrics: string[];
  currentRevision: number;
  createdAt: string;
  updatedAt: string;
  waitingFor: WaitingFor;
  waitingOnYou: boolean;
  mentorName: string | null;
}

export interface AssignmentSummary {
  id: number;
  status: "offered" | "accepted" | "declined" | "closed";
  opinion: number;
  offeredAt: string;
  respondedAt: string | null;
  byModerator: boolean;
  case: CaseSummary;
}

export interface Revision {
  number: number;
  essence: string;
  actionsTaken: string;
  whyDifficult: string;
  question: string;
  participants: string[];
  rubrics: string[];
  changedFields: string[];
}

export interface Question {
  id: number;
  text: string;
  answer: string | null;
}

export interface QuestionRound {
  id: number;
  revision: number;
  askedAt: string;
  answeredAt: string | null;
  decision: "keep" | "redefine" | null;
  questions: Question[];
}

export interface Material {
  entryId: number;
  title: string;
  url: string | null;
}

export interface Solution {
  id: number;
  opinion: number;
  mentorName: string;
  text: string;
  createdAt: string;
  materials: Material[];
}

export interface Assignment {
  id: number;
  mentorId: number;
  mentorName: string;
  opinion: number;
  round: number;
  status: "offered" | "accepted" | "declined" | "closed";
  declineReason: string | null;
  byModerator: boolean;
}

export interface LibraryHit {
  entryId: number;
  kind: "solved_case" | "material";
  title: string;
  summary: string;
  url: string | null;
  rubrics: string[];
}

export interface CaseDetail {
  id: number;
  number: string;
  status: CaseStatus;
  urgency: Urgency;
  privacy: Privacy;
  groupConsent: boolean;
  publishConsent: boolean;
  opinion: number;
  createdAt: string;
  updatedAt: string;
  currentRevision: number;
  revisionLimit: number;
  secondOpinionAvailable: boolean;
  viewerRelation: "teacher" | "mentor" | "moderator";
  waitingFor: WaitingFor;
  waitingOnYou: boolean;
  actions: CaseAction[];
  revisions: Revision[];
  questionRounds: QuestionRound[];
  solutions: Solution[];
  mentor: { id: number; name: string; status: string; opinion: number } | null;
  assignments: Assignment[];
  ownAssignment: { id: number; status: string } | null;
  reflection: { willDo: string; whatChanged: string; usefulness: number; comment: string } | null;
  libraryHits: LibraryHit[];
  /** Present only for a personal case seen by its mentor or a moderator. */
  teacher?: { displayName: string; email: string | null; chatLink: string | null };
}

export interface HistoryItem {
  id: number;
  kind: string;
  at: string;
  actor: "you" | "teacher" | "mentor" | "moderator" | "system";
  actorName: string | null;
  statusBefore: CaseStatus | null;
  statusAfter: CaseStatus | null;
  details: { revision?: number; mentorName?: string; reason?: string; questionCount?: number; answerCount?: number; usefulness?: number };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface Candidate {
  id: number;
  name: string;
  position: string;
  workplace: string;
  areas: { key: string; title: string }[];
  matchingAreas: string[];
  motto: string;
  openCases: number;
  maxOpenCases: number;
}

export interface SuggestedQuestion {
  key: string;
  group: string;
  kind: "clarifying" | "developing";
  text: string;
  fit: number;
}

export interface FormOptions {
  rubrics: { key: string; title: string }[];
  participants: string[];
  privacy: Privacy[];
  urgency: Urgency[];
  limits: Record<string, number>;
}

/** The intake form as the page edits and sends it. */
export interface CaseFormValues {
  essence: string;
  actionsTaken: string;
  whyDifficult: string;
  question: string;
  participants: string[];
  rubrics: string[];
  privacy: Privacy | "";
  groupConsent: boolean;
  urgency: Urgency | "";
  publishConsent: boolean;
}
