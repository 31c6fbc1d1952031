// The WebSocket protocol: every message on the wire, as tagged unions. The handlers validate what clients
// send; the web client imports the types (and limits), so both sides agree by construction.
// Client -> server messages carry `action` (API Gateway routes on it); server -> client carry `type`.
// A top-level array never reaches an action's schema (it has no `action` to route on); nested objects are
// checked with ./objects.js, which refuses arrays.
import * as v from 'valibot';
import { MAX_CHAT_LENGTH, MAX_NAME_LENGTH, MAX_TITLE_LENGTH } from './limits.js';
import { anyObject, body, loose } from './objects.js';
import { hasVisibleText } from './text.js';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
// JSON.parse reads 1e400 as Infinity, which a plain number check passes and JSON.stringify writes as null:
// the peer would get null where the sender was checked for a number.
const wholeNumber = v.pipe(v.number(), v.safeInteger('should be a whole number'));

// ---- client -> server ----

export const JoinAction = v.object({
  action: v.literal('join'),
  meeting: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /** Reclaims the peer id of an earlier connection of this tab after a reconnect (see docs/protocol.md). */
  resume: v.optional(body({ peer: id, key: id })),
});
/**
 * What peers put in `signal.data`. The server checks it here before relaying, so a peer can hand another
 * only well-formed descriptions and candidates, and the web client need not carry a validator (~2 KB
 * gzipped) to check its own server's messages. Loose (but for candidates, a standard shape): fields a
 * newer client adds pass through untouched. Candidates travel in batches to cut the number of (billed) messages.
 */
export const SignalPayload = loose({
  description: v.optional(
    loose({ type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']), sdp: v.optional(v.string()) }),
  ),
  candidates: v.optional(
    // Exactly RTCIceCandidateInit's fields (a standard shape; unknown ones are dropped).
    v.array(
      body({
        candidate: v.optional(v.string()),
        sdpMid: v.optional(v.nullable(v.string())),
        sdpMLineIndex: v.optional(v.nullable(wholeNumber)),
        usernameFragment: v.optional(v.nullable(v.string())),
      }),
    ),
  ),
  /**
   * Numbers the sender's descriptions on this link, so the receiver can put an offer and an answer that
   * arrive swapped (each message is its own Lambda invocation) back in order.
   */
  seq: v.optional(wholeNumber),
  /**
   * The sender's media state, `{rev, audio, video, screen}` (screen: the id of the MediaStream the share
   * is sent in, or null). Read leniently by the receiver so newer clients may add fields.
   */
  state: v.optional(anyObject()),
});
export type SignalPayload = v.InferOutput<typeof SignalPayload>;

export const SignalAction = v.object({
  action: v.literal('signal'),
  to: id,
  data: SignalPayload,
});
export const ChatAction = v.object({
  action: v.literal('chat'),
  text: v.pipe(
    v.string(),
    v.maxLength(MAX_CHAT_LENGTH, `A message has at most ${MAX_CHAT_LENGTH} characters.`),
    // Sent and stored as typed (newlines and all), but never blank.
    v.check(hasVisibleText, 'A message needs some text.'),
  ),
  /** The sender's own name for the message, handed back to it (`mine`) so that it knows which one came back. */
  ref: v.optional(v.pipe(v.string(), v.regex(/^[\w-]{1,24}$/, 'A message ref is 1 to 24 letters, digits, _ or -.'))),
});
export const LeaveAction = v.object({ action: v.literal('leave') });
export const PingAction = v.object({ action: v.literal('ping') });

export const ClientMessage = v.variant('action', [JoinAction, SignalAction, ChatAction, LeaveAction, PingAction]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;
export type JoinAction = v.InferOutput<typeof JoinAction>;
export type SignalAction = v.InferOutput<typeof SignalAction>;
export type ChatAction = v.InferOutput<typeof ChatAction>;
export type Action = ClientMessage['action'];
export const ACTIONS = ['join', 'signal', 'chat', 'leave', 'ping'] as const satisfies readonly Action[];

// ---- server -> client ----

export const PeerInfo = v.object({
  id,
  name: v.pipe(v.string(), v.maxLength(MAX_NAME_LENGTH)),
  guest: v.boolean(),
  joinedAt: v.number(),
});
export type PeerInfo = v.InferOutput<typeof PeerInfo>;

export const ChatMessage = v.object({
  type: v.literal('chat'),
  id,
  from: id,
  name: v.string(),
  text: v.string(),
  at: v.number(),
  /**
   * Sent by the recipient's own account (or guest identity): from this tab, another of its tabs, or before
   * a reload. Peer ids change with every join, so `from` cannot tell.
   */
  mine: v.optional(v.literal(true)),
  /** The `ref` the sender gave, on messages that are `mine`. */
  ref: v.optional(v.string()),
});
export type ChatMessage = v.InferOutput<typeof ChatMessage>;

export const MeetingSummary = v.object({ code: v.string(), title: v.pipe(v.string(), v.maxLength(MAX_TITLE_LENGTH)) });

export const JoinedMessage = v.object({
  type: v.literal('joined'),
  self: v.object({ id, name: v.string() }),
  peers: v.array(PeerInfo),
  meeting: MeetingSummary,
  chat: v.array(ChatMessage),
  /** Secret that lets this tab reclaim `self.id` after its socket drops (`join.resume`). */
  resumeKey: v.string(),
});
export const PeerJoinedMessage = v.object({ type: v.literal('peer-joined'), peer: PeerInfo });
export const PeerLeftMessage = v.object({
  type: v.literal('peer-left'),
  id,
  /**
   * `left`: they chose to go. `disconnected`: their signalling socket closed; their media may still flow and
   * they may come back with the same id (join.resume), so a client can keep the tile for a short grace period.
   */
  reason: v.optional(v.picklist(['left', 'disconnected'])),
  /**
   * The `joinedAt` of the seat that went. Messages can arrive out of order: a client that knows the peer by
   * a later seat (it resumed) ignores this, and a `joined`/`peer-joined` naming this seat or an older one
   * is stale.
   */
  joinedAt: v.optional(v.number()),
});
export const SignalMessage = v.object({
  type: v.literal('signal'),
  from: id,
  data: SignalPayload,
});
export const PongMessage = v.object({ type: v.literal('pong') });

export const ERROR_CODES = [
  'bad-json', // the frame is not JSON
  'unknown-action', // `action` missing or not one we know
  'invalid-message', // a known action with wrong or missing fields
  'too-large', // a signal whose data is over MAX_SIGNAL_DATA_BYTES (a frame too big: API Gateway closes with 1009)
  'meeting-not-found',
  'meeting-full',
  'not-in-meeting', // signal/chat/leave before join
  'already-in-meeting', // join again on a socket that has not left
  'peer-not-found', // signal to someone not in your meeting
  'too-many-messages', // chat past CHAT_MESSAGES_PER_WINDOW
  'internal',
] as const;
export type SocketErrorCode = (typeof ERROR_CODES)[number];

export const ErrorMessage = v.object({
  type: v.literal('error'),
  code: v.picklist(ERROR_CODES),
  message: v.string(),
  /** The action that failed, when known, so a client can tell which request it answers. */
  action: v.optional(v.string()),
});

export const ServerMessage = v.variant('type', [
  JoinedMessage,
  PeerJoinedMessage,
  PeerLeftMessage,
  SignalMessage,
  ChatMessage,
  PongMessage,
  ErrorMessage,
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;
export type JoinedMessage = v.InferOutput<typeof JoinedMessage>;
export type PeerJoinedMessage = v.InferOutput<typeof PeerJoinedMessage>;
export type PeerLeftMessage = v.InferOutput<typeof PeerLeftMessage>;
export type SignalMessage = v.InferOutput<typeof SignalMessage>;
export type ErrorMessage = v.InferOutput<typeof ErrorMessage>;

