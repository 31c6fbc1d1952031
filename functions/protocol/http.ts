// The HTTP API (accounts, meetings) and /config.json: request bodies validated on the server,
// response shapes typed for the client. Errors are always `{ error: { code, message } }`.
import * as v from 'valibot';
import {
  MAX_EMAIL_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_TITLE_LENGTH,
  MIN_PASSWORD_LENGTH,
} from './limits.js';
import { body } from './objects.js';
import { passwordForm, shownText, utf8Bytes } from './text.js';

const name = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'Enter a name.'),
  v.maxLength(MAX_NAME_LENGTH, `A name has at most ${MAX_NAME_LENGTH} characters.`),
  ...shownText('A name'),
);
const email = v.pipe(v.string(), v.trim(), v.maxLength(MAX_EMAIL_LENGTH, 'That email address is too long.'), v.email('Enter a valid email address.'));
// bcrypt reads only the first 72 bytes: anything a user typed past them would be silently ignored. Counted
// in the form the password is hashed in.
const passwordFits = v.check(
  (password: string) => utf8Bytes(passwordForm(password)) <= MAX_PASSWORD_LENGTH,
  `A password has at most ${MAX_PASSWORD_LENGTH} characters (fewer with accented letters or emoji, which take more room).`,
);
const password = v.pipe(
  v.string(),
  v.check((password: string) => passwordForm(password).length >= MIN_PASSWORD_LENGTH, `A password has at least ${MIN_PASSWORD_LENGTH} characters.`),
  passwordFits,
);

export const RegisterRequest = body({ email, password, name });
// Not held to 72 bytes: an account registered before that rule may have a longer password (bcrypt used its
// first 72 bytes then, and does now). Capped only so that nobody posts megabytes.
export const LoginRequest = body({
  email,
  password: v.pipe(v.string(), v.minLength(1, 'Enter your password.'), v.maxLength(1000, 'That password is too long.')),
});
export const GuestRequest = body({ name });
export const CreateMeetingRequest = body({
  title: v.optional(
    v.pipe(v.string(), v.trim(), v.maxLength(MAX_TITLE_LENGTH, `A title has at most ${MAX_TITLE_LENGTH} characters.`), ...shownText('A title')),
  ),
});
export type RegisterRequest = v.InferOutput<typeof RegisterRequest>;
export type LoginRequest = v.InferOutput<typeof LoginRequest>;
export type GuestRequest = v.InferOutput<typeof GuestRequest>;
export type CreateMeetingRequest = v.InferOutput<typeof CreateMeetingRequest>;

export interface User {
  id: string;
  name: string;
  /** Absent for guests. */
  email?: string;
  guest: boolean;
}
export interface AuthResponse {
  token: string;
  user: User;
}
export interface Meeting {
  code: string;
  title: string;
  hostId: string;
  hostName: string;
  createdAt: number;
}
/** A meeting as anyone with its code may see it (the host's account id stays on the server). */
export type MeetingInfo = Omit<Meeting, 'hostId'>;
export interface MeetingResponse {
  meeting: MeetingInfo;
}
/** One line of a signed-in user's history: a meeting they created or joined. */
export interface MeetingHistoryEntry {
  code: string;
  title: string;
  role: 'host' | 'participant';
  createdAt: number;
  lastJoinedAt: number;
}
export interface MeetingsResponse {
  meetings: MeetingHistoryEntry[];
}
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}
export interface IceServersResponse {
  iceServers: IceServer[];
}
/** Served as /config.json next to the web client; relative URLs are resolved against the page. */
export interface ClientConfig {
  apiUrl: string;
  wsUrl: string;
  iceServers: IceServer[];
}

export const HTTP_ERROR_CODES = [
  'bad-json',
  'invalid-request',
  'unauthorized',
  'invalid-credentials',
  'email-taken',
  'too-many-attempts',
  'meeting-not-found',
  'not-found',
  'internal',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string };
}
