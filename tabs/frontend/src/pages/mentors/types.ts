// Shapes of the mentors API (/api/v1/mentors...).

export interface Rubric {
  key: string;
  title: string;
}

export type Availability = "available" | "away" | "full";

export interface Workplace {
  university: string;
  institute: string;
  department: string;
  /** The place of work in one line, smallest unit first. */
  line: string;
}

export interface MentorSummary {
  id: number;
  fullName: string;
  lastName: string;
  firstName: string;
  patronymic: string;
  position: string;
  workplace: Workplace;
  areas: Rubric[];
  photoUrl: string | null;
  availability: Availability;
  /** ISO date; present only while the mentor is away. */
  awayUntil: string | null;
  /** The public profile page, which anyone can open without signing in. */
  profileUrl: string;
}

export interface ProfileLink {
  url: string;
  title: string;
}

export interface MentorSettings {
  awayUntil: string | null;
  maxOpenCases: number;
  openCases: number;
}

export interface MentorProfile extends MentorSummary {
  interests: string;
  links: ProfileLink[];
  motto: string;
  publicContact: string;
  canEdit: boolean;
  /** Present for the mentor themself and for moderators. */
  settings?: MentorSettings;
}

export interface MentorList {
  items: MentorSummary[];
  total: number;
}

export interface MentorOptions {
  rubrics: Rubric[];
  availability: Availability[];
  /** Maximum characters per text field (by API field name), and links, maxOpenCases, awayDays, photoBytes. */
  limits: Record<string, number>;
}

/** The body of PATCH /mentors/{id}: the profile's editable texts and choices. */
export interface ProfileChanges {
  lastName: string;
  firstName: string;
  patronymic: string;
  position: string;
  university: string;
  institute: string;
  department: string;
  areas: string[];
  interests: string;
  links: ProfileLink[];
  motto: string;
  publicContact: string;
}
