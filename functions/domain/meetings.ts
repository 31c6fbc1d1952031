// Meetings as the HTTP API sees them: create one, look one up by code, list a user's history.
import type { Meeting, MeetingHistoryEntry, MeetingInfo } from '../protocol/index.js';
import { MEETING_CODE_PATTERN } from '../protocol/index.js';
import { DomainError, meetingNotFound } from './errors.js';
import { newMeetingCode } from './ids.js';
import type { Clock, MeetingStore } from './ports.js';
import type { TokenClaims } from './tokens.js';

const HISTORY_LIMIT = 50;

/** What the API shows of a meeting: everything but the host's account id. */
export const meetingInfo = ({ hostId: _hostId, ...info }: Meeting): MeetingInfo => info;

export class Meetings {
  constructor(
    private readonly store: MeetingStore,
    private readonly clock: Clock,
  ) {}

  async create(host: TokenClaims, title: string | undefined): Promise<Meeting> {
    const createdAt = this.clock.now();
    // A clash among 1.4e14 codes is unlikely but cheap to rule out: the store refuses an existing code.
    for (let attempt = 0; attempt < 5; attempt++) {
      const meeting = {
        code: newMeetingCode(),
        title: title || `${host.name}'s meeting`,
        hostId: host.userId,
        hostName: host.name,
        createdAt,
      };
      // Guests have no history to show (see `history`): writing them one would only cost.
      const history = host.guest ? undefined : { userId: host.userId, code: meeting.code, lastJoinedAt: createdAt };
      if (await this.store.createMeeting(meeting, history)) return meeting;
    }
    throw new DomainError('internal', 'Could not find a free meeting code. Try again.');
  }

  async get(code: string): Promise<Meeting> {
    const normalized = normalizeCode(code);
    const meeting = normalized ? await this.store.getMeeting(normalized) : undefined;
    if (!meeting) throw meetingNotFound(code);
    return meeting;
  }

  /** Meetings the user created or joined, most recent first. Guests have none. */
  async history(user: TokenClaims): Promise<MeetingHistoryEntry[]> {
    if (user.guest) return [];
    const lines = (await this.store.listHistory(user.userId))
      .sort((a, b) => b.lastJoinedAt - a.lastJoinedAt)
      .slice(0, HISTORY_LIMIT);
    const meetings = new Map((await this.store.getMeetings(lines.map((l) => l.code))).map((m) => [m.code, m]));
    return lines.flatMap((line) => {
      const meeting = meetings.get(line.code);
      return meeting
        ? [{ code: line.code, title: meeting.title, role: meeting.hostId === user.userId ? 'host' : 'participant', createdAt: meeting.createdAt, lastJoinedAt: line.lastJoinedAt }]
        : [];
    });
  }
}

/** Accepts "ABC-DEFG-HIJ", "abcdefghij" and surrounding spaces; undefined when it cannot be a code. */
export function normalizeCode(input: string): string | undefined {
  const letters = input.trim().toLowerCase().replace(/-/g, '');
  if (!/^[a-z]{10}$/.test(letters)) return undefined;
  const code = `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7)}`;
  return MEETING_CODE_PATTERN.test(code) ? code : undefined;
}
