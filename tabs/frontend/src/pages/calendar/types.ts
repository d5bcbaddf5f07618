// The calendar API's JSON, as tabs/api/events.py sends it.

export type EventKind = "online" | "offline";
export type EventStatus = "scheduled" | "cancelled";

export interface Rubric {
  key: string;
  title: string;
}

export interface CalendarEvent {
  id: number;
  kind: EventKind;
  status: EventStatus;
  title: string;
  description: string;
  /** UTC ISO 8601. */
  startsAt: string;
  endsAt: string;
  /** The zone the organiser entered the times in, and the wall times there. */
  timeZone: string;
  startsLocal: string;
  endsLocal: string;
  location: string;
  meetingUrl: string | null;
  rubrics: Rubric[];
  isPublic: boolean;
  capacity: number | null;
  registeredCount: number;
  placesLeft: number | null;
  /** Null when naming the organiser would reveal the author of an anonymous case. */
  organiserName: string | null;
  sequence: number;
  createdAt: string;
  updatedAt: string;
  isOrganiser: boolean;
  isRegistered: boolean;
  isConsultation: boolean;
  canEdit: boolean;
}

export interface EventList {
  items: CalendarEvent[];
  total: number;
}

export interface CalendarRange {
  timeZone: string;
  from: string;
  to: string;
  items: CalendarEvent[];
}

export interface CalendarOptions {
  timeZone: string;
  timeZones: string[];
  rubrics: Rubric[];
}

export interface RegistrationState {
  eventId: number;
  registered: boolean;
  registeredCount: number;
  capacity: number | null;
}

export interface Registrant {
  userId: number | null;
  displayName: string | null;
  registeredAt: string;
}

export interface FeedState {
  active: boolean;
  createdAt: string | null;
  url?: string;
  webcalUrl?: string;
}

/** The body of POST /events and PATCH /events/{id}. */
export interface EventFormBody {
  kind: EventKind;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  location: string;
  meetingUrl: string | null;
  rubrics: string[];
  isPublic: boolean;
  capacity: number | string | null;
}
