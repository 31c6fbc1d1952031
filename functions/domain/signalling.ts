// The rules of a meeting's signalling: who may join, whom a signal may reach, who hears a chat message,
// and what the others are told when someone leaves or vanishes. Knows nothing of AWS: it works through
// a SignallingStore (DynamoDB) and a MessageSender (API Gateway's @connections).
import type { ChatAction, ChatMessage, JoinAction, PeerInfo, ServerMessage, SignalAction } from '../protocol/index.js';
import {
  CHAT_HISTORY_BYTES,
  CHAT_HISTORY_SIZE,
  CHAT_MESSAGES_PER_WINDOW,
  CHAT_WINDOW_MS,
  MAX_CONNECTION_MS,
  MAX_SIGNAL_DATA_BYTES,
} from '../protocol/index.js';
import { DomainError, meetingNotFound } from './errors.js';
import { meetingOfPeer, newId, newPeerId } from './ids.js';
import { normalizeCode } from './meetings.js';
import type { Clock, ConnectionRecord, MessageSender, Participant, SendResult, SignallingStore, StoredChat } from './ports.js';
import type { TokenService } from './tokens.js';

/** Who sent a WebSocket message, as the `$connect` authorizer established it. */
export interface Caller {
  connectionId: string;
  userId: string;
  name: string;
  guest: boolean;
}

export interface SignallingOptions {
  maxParticipants: number;
}

/**
 * A meeting's chat is handed to whoever joins it later, as long as it is kept: a month, so that a recurring
 * meeting's link still shows recent messages while a table never grows without end.
 */
const CHAT_LIFETIME_S = 30 * 24 * 3600;

/** API Gateway cuts a socket after 2 h; past that (plus slack) a record whose $disconnect never came is stale. */
const RECORD_LIFETIME_S = MAX_CONNECTION_MS / 1000 + 300;

const notInMeeting = () => new DomainError('not-in-meeting', 'Join a meeting first.');
const tooManyMessages = () =>
  new DomainError('too-many-messages', 'You are sending messages too quickly. Wait a few seconds, then send again.');
const peerNotFound = () => new DomainError('peer-not-found', 'That participant is not in your meeting.');
const alreadyInMeeting = () =>
  new DomainError('already-in-meeting', 'This connection is already in a meeting. Leave it before joining another.');
const leftWhileJoining = () =>
  new DomainError('not-in-meeting', 'You left the meeting before joining it finished. Join again to enter it.');
const signalToSelf = () => new DomainError('invalid-message', 'A signal goes to another participant, not to yourself.');
const signalTooLarge = (bytes: number) =>
  new DomainError(
    'too-large',
    `This signal's data is ${bytes} bytes as JSON; at most ${MAX_SIGNAL_DATA_BYTES} fit in a message to a peer. Send less at a time.`,
  );

export class Signalling {
  constructor(
    private readonly store: SignallingStore,
    private readonly sender: MessageSender,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly options: SignallingOptions,
  ) {}

  /**
   * Write, then read, then notify: each joiner's strongly consistent read follows its own write, so of any
   * two people joining at once at least one sees the other and tells them; nobody is missed.
   * One socket, one seat: a second `join` without `leave` is refused (it would leave a ghost behind), by a
   * conditional write, so that two joins racing on one socket cannot both win.
   * A meeting that fills up admits those who joined first: a joiner counts only the people admitted before it
   * (by admittedAt, then peer id), not others joining at the same moment, who may yet be refused. A resume
   * keeps its place and is never refused for a full meeting: it takes no new seat.
   */
  async join(caller: Caller, msg: JoinAction): Promise<void> {
    const code = normalizeCode(msg.meeting);
    if (!code) throw meetingNotFound(msg.meeting);
    const now = this.clock.now();
    const resumed = await this.#resumablePeer(caller, code, msg.resume);
    const peerId = resumed ?? newPeerId(code);
    const expiresAt = Math.floor(now / 1000) + RECORD_LIFETIME_S;
    // Not admitted until the join holds (records from before `admitted` existed have none, and count as admitted).
    const seated: ConnectionRecord = { ...callerRecord(caller, expiresAt), meeting: code, peerId, admitted: false };
    if (!(await this.store.claimConnection(seated, Math.floor(now / 1000)))) throw alreadyInMeeting();

    // A resumed seat is moved from the tab's old socket; should this join fail, it goes back there.
    const previousSeat = resumed ? await this.store.getParticipant(code, peerId) : undefined;
    // Taken just before the seat is written, so that the admission order follows the order of the writes as
    // closely as it can.
    const joinedAt = this.clock.now();
    // Someone already in the meeting (their seat still live) who resumes keeps their place in it.
    const stillSeated = previousSeat && this.#live(previousSeat) ? previousSeat : undefined;
    const participant: Participant = {
      meeting: code,
      peerId,
      connectionId: caller.connectionId,
      userId: caller.userId,
      name: caller.name,
      guest: caller.guest,
      joinedAt,
      admittedAt: stillSeated ? admittedAt(stillSeated) : joinedAt,
      expiresAt,
    };
    let others: Participant[];
    let sent: SendResult;
    try {
      await this.store.addParticipant(participant);
      const snapshot = await this.store.readMeeting(code, CHAT_HISTORY_SIZE);
      if (!snapshot.meeting) throw meetingNotFound(msg.meeting);
      others = snapshot.participants.filter((p) => p.peerId !== peerId && this.#live(p));
      // A resume takes no new seat: it is never refused for a full meeting.
      if (!stillSeated && others.filter((p) => admittedBefore(p, participant)).length >= this.options.maxParticipants) {
        throw new DomainError('meeting-full', `This meeting is full (${this.options.maxParticipants} people). Try again later.`);
      }
      // Only now may this socket chat and signal. Conditional: a `leave` or `$disconnect` that read the claim
      // before the seat existed could not remove it; if the claim no longer names this seat, nothing would.
      if (!(await this.store.admitConnection(caller.connectionId, peerId))) throw leftWhileJoining();

      // Only a join that holds goes into an account's history, written apart so that a refused join never
      // touches a line from an earlier visit. Best effort: the person is in the meeting either way.
      const saving = caller.guest
        ? undefined
        : this.store.saveHistory({ userId: caller.userId, code, lastJoinedAt: now }).catch((error: unknown) => {
            console.error('meeting history not saved', error);
          });
      const joined: ServerMessage = {
        type: 'joined',
        self: { id: peerId, name: caller.name },
        peers: others.map(peerInfo),
        meeting: { code, title: snapshot.meeting.title },
        chat: recentChat(snapshot.chat.filter((message) => this.#live(message)), caller.userId),
        resumeKey: await this.tokens.mac('resume', peerId, caller.userId),
      };
      await saving; // saved before the joiner hears it is in, so its history page already shows the meeting
      // A `joined` that cannot be sent (413, throttling, a fault) is a join that did not hold either.
      sent = await this.sender.send(caller.connectionId, joined);
    } catch (error) {
      await this.#undoJoin(participant, stillSeated, callerRecord(caller, expiresAt));
      throw error;
    }
    if (sent === 'gone') {
      await this.#evict(participant);
      return;
    }
    await this.#sendAll(others, { type: 'peer-joined', peer: peerInfo(participant) });
  }

  /** Relays SDP and ICE between two participants of the same meeting; one read, no write. */
  async relay(caller: Caller, msg: SignalAction): Promise<void> {
    const bytes = signalBytes(msg.data);
    if (bytes > MAX_SIGNAL_DATA_BYTES) throw signalTooLarge(bytes);
    const meeting = meetingOfPeer(msg.to);
    const { sender, target } = meeting
      ? await this.store.getSenderAndTarget(caller.connectionId, meeting, msg.to)
      : { sender: await this.store.getConnection(caller.connectionId), target: undefined };
    if (!seated(sender) || !this.#live(sender)) throw notInMeeting();
    if (msg.to === sender.peerId) throw signalToSelf();
    if (!target || target.meeting !== sender.meeting || !this.#live(target)) throw peerNotFound();
    await this.#sendOrEvict(target, { type: 'signal', from: sender.peerId, data: msg.data });
  }

  /** Stores a chat message and delivers it to everyone in the meeting, the sender included. */
  async chat(caller: Caller, msg: ChatAction): Promise<void> {
    const connection = await this.store.getConnection(caller.connectionId);
    if (!seated(connection) || !this.#live(connection)) throw notInMeeting();
    // Checked and counted on the seat, not just the socket's claim: after a renewal the old socket still
    // speaks for its peer, but not once that peer has left from the new one. (A stray signal then is dropped
    // by the receiver, which ignores peers that left; a chat message would be shown and kept.)
    await this.#countChatOnSeat(connection.meeting, connection.peerId);
    const chat = {
      meeting: connection.meeting,
      id: newId('c_', 9),
      from: connection.peerId,
      name: connection.name,
      userId: connection.userId,
      ...(msg.ref ? { ref: msg.ref } : {}),
      text: msg.text,
      at: this.clock.now(),
    };
    await this.store.addChat({ ...chat, expiresAt: Math.floor(chat.at / 1000) + CHAT_LIFETIME_S });
    const participants = await this.#participants(connection.meeting);
    if (!participants.some((p) => p.connectionId === caller.connectionId)) {
      await this.sender.send(caller.connectionId, toChatMessage(chat, caller.userId));
    }
    await Promise.all(participants.map((p) => this.#sendOrEvict(p, toChatMessage(chat, p.userId))));
  }

  /**
   * Refuses a message whose seat is gone, or that is past the seat's allowance (a flood is stopped before it
   * is stored and sent); otherwise counts it there.
   */
  async #countChatOnSeat(meeting: string, peerId: string): Promise<void> {
    const seat = await this.store.getParticipant(meeting, peerId);
    if (!seat || !this.#live(seat)) throw notInMeeting();
    // Never an earlier window than the seat's: an instance whose clock runs behind must not restart the count.
    const window = Math.max(Math.floor(this.clock.now() / CHAT_WINDOW_MS), seat.chatWindow ?? 0);
    if (!(await this.store.countChat(seat, window, CHAT_MESSAGES_PER_WINDOW))) throw tooManyMessages();
  }

  async leave(caller: Caller): Promise<void> {
    const connection = await this.store.getConnection(caller.connectionId);
    if (!connection?.meeting || !connection.peerId || !this.#live(connection)) throw notInMeeting();
    const { meeting, peerId } = connection;
    // Conditional: a `$disconnect` that deleted the record meanwhile must not see it written back.
    await this.store.releaseClaim(callerRecord(caller, connection.expiresAt), peerId);
    const removed = await this.store.removeParticipant(meeting, peerId, caller.connectionId);
    if (removed) await this.#broadcast(meeting, { type: 'peer-left', id: peerId, reason: 'left', joinedAt: removed.joinedAt });
  }

  /** The socket closed (or API Gateway says it is gone): forget it and tell its meeting. */
  async disconnect(connectionId: string): Promise<void> {
    const connection = await this.store.getConnection(connectionId);
    if (!connection) return;
    await this.store.deleteConnection(connectionId);
    if (connection.meeting && connection.peerId) {
      await this.#removeAndTell({ meeting: connection.meeting, peerId: connection.peerId, connectionId });
    }
  }

  async ping(caller: Caller): Promise<void> {
    await this.sender.send(caller.connectionId, { type: 'pong' });
  }

  /** Tells the sender what went wrong with its message. */
  async reject(connectionId: string, error: DomainError, action?: string): Promise<void> {
    await this.sender.send(connectionId, {
      type: 'error',
      code: error.code,
      message: error.message,
      ...(action ? { action } : {}),
    });
  }

  /**
   * A join that did not hold leaves nothing behind: a resumed seat goes back to the old socket, a new one
   * goes (if still this socket's), and the claim is released (if still this join's) so that the socket may
   * try again.
   */
  async #undoJoin(seat: Participant, previousSeat: Participant | undefined, bare: ConnectionRecord): Promise<void> {
    let removed: Participant | undefined;
    // Only over the seat this join wrote: if a `$disconnect` removed it or a newer resume moved it on, that stands.
    if (previousSeat) await this.store.restoreParticipant(previousSeat, seat.connectionId);
    else removed = await this.store.removeParticipant(seat.meeting, seat.peerId, seat.connectionId);
    await this.store.releaseClaim(bare, seat.peerId);
    // Someone joining at the same moment may have read the seat, and been told of it in `joined.peers`.
    if (removed) await this.#broadcast(seat.meeting, { type: 'peer-left', id: seat.peerId, reason: 'left', joinedAt: removed.joinedAt });
  }

  /** A tab reconnecting after its socket dropped keeps its peer id if it proves it had it. */
  async #resumablePeer(caller: Caller, code: string, resume: JoinAction['resume']): Promise<string | undefined> {
    if (!resume || meetingOfPeer(resume.peer) !== code) return undefined;
    return (await this.tokens.checkMac(resume.key, 'resume', resume.peer, caller.userId)) ? resume.peer : undefined;
  }

  /**
   * DynamoDB's TTL deletes expired records up to ~48 h late: until then they count as absent. (Chat saved
   * before it had an expiry has none, and lives on.)
   */
  #live(record: { expiresAt?: number }): boolean {
    return record.expiresAt === undefined || record.expiresAt * 1000 > this.clock.now();
  }

  async #participants(meeting: string): Promise<Participant[]> {
    return (await this.store.listParticipants(meeting)).filter((p) => this.#live(p));
  }

  async #broadcast(meeting: string, message: ServerMessage): Promise<void> {
    await this.#sendAll(await this.#participants(meeting), message);
  }

  async #sendAll(participants: Participant[], message: ServerMessage): Promise<void> {
    await Promise.all(participants.map((p) => this.#sendOrEvict(p, message)));
  }

  /**
   * Best effort: a recipient API Gateway cannot take the message from (429 for a full receive buffer, a
   * fault) misses it, and the sender's action still holds. Failing it would make the sender retry (a chat
   * stored twice) or, for a join, start over, over and over, for as long as one member is slow.
   * What a peer misses, its peer links recover: an unanswered offer is sent again, a failed ICE restarts.
   */
  async #sendOrEvict(target: Participant, message: ServerMessage): Promise<void> {
    let sent: SendResult;
    try {
      sent = await this.sender.send(target.connectionId, message);
    } catch (error) {
      console.error(`${message.type} not delivered to ${target.connectionId}`, error);
      return;
    }
    if (sent === 'gone') await this.#evict(target);
  }

  /** A 410 from API Gateway: the target's socket is gone though its $disconnect never reached us. */
  async #evict(p: Pick<Participant, 'meeting' | 'peerId' | 'connectionId'>): Promise<void> {
    await this.store.deleteConnection(p.connectionId);
    await this.#removeAndTell(p);
  }

  async #removeAndTell(p: Pick<Participant, 'meeting' | 'peerId' | 'connectionId'>): Promise<void> {
    // Only the call that actually removes the record tells the others, so each departure is told once,
    // and a peer that already resumed on a new socket is not reported gone.
    const removed = await this.store.removeParticipant(p.meeting, p.peerId, p.connectionId);
    if (removed) await this.#broadcast(p.meeting, { type: 'peer-left', id: p.peerId, reason: 'disconnected', joinedAt: removed.joinedAt });
  }
}

/**
 * A connection whose join held: it may chat and signal as `peerId` in `meeting`. A claim without the flag
 * was written before it existed (sockets open across a deploy): their joins held.
 */
function seated(c: ConnectionRecord | undefined): c is ConnectionRecord & { meeting: string; peerId: string } {
  return Boolean(c?.meeting && c.peerId && c.admitted !== false);
}

function callerRecord(caller: Caller, expiresAt: number): ConnectionRecord {
  return { connectionId: caller.connectionId, userId: caller.userId, name: caller.name, guest: caller.guest, expiresAt };
}

/** The order in which a meeting that fills up admits people: by first admission, ties broken by peer id. */
function admittedBefore(a: Participant, b: Participant): boolean {
  return admittedAt(a) < admittedAt(b) || (admittedAt(a) === admittedAt(b) && a.peerId < b.peerId);
}

const admittedAt = (p: Participant): number => p.admittedAt ?? p.joinedAt;

/** The newest messages whose JSON fits in CHAT_HISTORY_BYTES, oldest first, so that `joined` stays sendable. */
function recentChat(chat: StoredChat[], recipient: string): ChatMessage[] {
  const kept: ChatMessage[] = [];
  let bytes = 0;
  for (const stored of [...chat].reverse()) {
    const message = toChatMessage(stored, recipient);
    bytes += jsonBytes(message) + 1; // and its comma
    if (bytes > CHAT_HISTORY_BYTES) break;
    kept.push(message);
  }
  return kept.reverse();
}

/** A signal's size on the wire; data nested too deeply to write out again (thousands of levels) is refused. */
function signalBytes(data: unknown): number {
  try {
    return jsonBytes(data);
  } catch (error) {
    if (error instanceof RangeError) throw new DomainError('invalid-message', "This signal's data is nested too deeply to relay.");
    throw error;
  }
}

/** Bytes on the wire: lone surrogates are escaped to 6 bytes each, most other characters take 1 to 4. */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function peerInfo(p: Participant): PeerInfo {
  return { id: p.peerId, name: p.name, guest: p.guest, joinedAt: p.joinedAt };
}

/** A stored message as `recipient` (a user id) receives it. */
function toChatMessage(c: StoredChat, recipient: string): ChatMessage {
  const message: ChatMessage = { type: 'chat', id: c.id, from: c.from, name: c.name, text: c.text, at: c.at };
  if (c.userId !== recipient) return message;
  return c.ref ? { ...message, mine: true, ref: c.ref } : { ...message, mine: true };
}
