/** The records the Make, Google and Namecheap fakes keep, as tests inside workerd read them (types only, no Node). */
export interface FakeTokenRequest {
  iss: string | null;
  outcome: 'issued' | 'invalid_grant' | 'failed';
  reason?: string;
  at: string;
}

export interface FakeCalendarEvent {
  calendarId: string;
  id: string;
  status: 'confirmed' | 'cancelled';
  summary: string;
  description?: string;
  start: { dateTime: string; timeZone?: string };
  end: { dateTime: string; timeZone?: string };
  created: string;
  updated: string;
}

export interface FakeMakeEvent {
  inbox: string;
  webhookId: string;
  webhookTimestamp: string;
  type: string | null;
  /** The body as received, and parsed when it is JSON. */
  body: string;
  payload: unknown;
  /** True when an earlier stored event of this inbox had the same webhook-id. */
  duplicate: boolean;
  receivedAt: string;
}

export interface FakeMakeAttempt {
  inbox: string;
  webhookId: string | null;
  outcome: 'accepted' | 'bad_signature' | 'failed' | 'hung';
  status: number | null;
  at: string;
}

export interface FakeNamecheapRequest {
  via: 'api' | 'relay';
  method: string;
  command: string | null;
  domains: string[];
  clientIp: string | null;
  /** create: the IdnCode sent (Namecheap requires one for punycode names). */
  idnCode: string | null;
  at: string;
}
