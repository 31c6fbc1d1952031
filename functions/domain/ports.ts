// The interfaces the domain needs from the outside world. DynamoDB and API Gateway implement them in
// adapters/; the domain never imports AWS. Everything here is plain data.

export interface Account {
  userId: string;
  email: string;
  name: string;
  passwordHash: string;
  /** 'NFKC': the password was normalised before hashing. Absent on accounts made before that: hashed as typed. */
  passwordForm?: 'NFKC';
  createdAt: number;
  /** Wrong passwords since the last sign-in, and when the last came: they slow the next attempts. */
  failedSignIns?: number;
  lastFailedSignInAt?: number;
}

export interface MeetingRecord {
  code: string;
  title: string;
  hostId: string;
  hostName: string;
  createdAt: number;
}

/** Someone in a meeting: one per browser tab (peer), wherever its socket currently is (connection). */
export interface Participant {
  meeting: string;
  peerId: string;
  connectionId: string;
  userId: string;
  name: string;
  guest: boolean;
  /** When this seat was written: each join, a resume included, writes a new seat. */
  joinedAt: number;
  /**
   * When the peer was first admitted (kept by a resume): the order in which a meeting that fills up admits
   * people. Absent on seats written before it existed: joinedAt then.
   */
  admittedAt?: number;
  /** Chat sent from this seat: in which CHAT_WINDOW_MS window (its number since the epoch), and how many. */
  chatWindow?: number;
  chatSent?: number;
  /** Epoch seconds after which the record is stale (DynamoDB TTL deletes it later). */
  expiresAt: number;
}

/** What a live WebSocket connection is doing; written on join, so a connection that never joins costs nothing. */
export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  name: string;
  guest: boolean;
  meeting?: string;
  peerId?: string;
  /**
   * False from the moment a join claims the socket until the join holds (the meeting exists and had room),
   * then true. Until then the claim only stops a second join on this socket: a refused joiner may not chat
   * or signal while its join fails.
   */
  admitted?: boolean;
  expiresAt: number;
}

export interface StoredChat {
  meeting: string;
  id: string;
  from: string;
  name: string;
  text: string;
  at: number;
  /** The sender's account or guest id, to mark the message `mine` for them (absent on older messages). */
  userId?: string;
  /** The sender's name for it (ChatAction.ref), handed back with `mine`. */
  ref?: string;
  /** DynamoDB's TTL removes the message after CHAT_LIFETIME_DAYS (epoch seconds). */
  expiresAt?: number;
}

/** A line of a signed-in user's meeting history; whether they host is read off the meeting. */
export interface HistoryRecord {
  userId: string;
  code: string;
  lastJoinedAt: number;
}

/** A meeting as one strongly consistent read sees it: its record, who is in it, its recent chat (oldest first). */
export interface MeetingSnapshot {
  meeting?: MeetingRecord;
  participants: Participant[];
  chat: StoredChat[];
}

export interface AccountStore {
  /** Creates the account unless one exists for this email (any case); returns false when taken. */
  createAccount(account: Account): Promise<boolean>;
  /** A strongly consistent read: the count of wrong passwords must be the latest. */
  findAccount(email: string): Promise<Account | undefined>;
  /**
   * Counts a sign-in attempt before its password is checked: sets failedSignIns to `seen + 1`, only if it is
   * still `seen` (no other attempt counted meanwhile). False when another got there first.
   */
  countSignInAttempt(email: string, seen: number, at: number): Promise<boolean>;
  clearFailedSignIns(email: string): Promise<void>;
}

export interface MeetingStore {
  /** Writes the meeting unless its code is taken (false), then the host's history line if given. */
  createMeeting(meeting: MeetingRecord, history: HistoryRecord | undefined): Promise<boolean>;
  getMeeting(code: string): Promise<MeetingRecord | undefined>;
  getMeetings(codes: string[]): Promise<MeetingRecord[]>;
  listHistory(userId: string): Promise<HistoryRecord[]>;
}

export interface SignallingStore {
  /**
   * Seats a connection in a meeting unless it already holds a live seat: one conditional write, so two joins
   * racing on one socket cannot both win. False when it is taken.
   */
  claimConnection(connection: ConnectionRecord, nowSeconds: number): Promise<boolean>;
  getParticipant(meeting: string, peerId: string): Promise<Participant | undefined>;
  /** Writes (or, for a resumed peer id, moves) a participant's seat. */
  addParticipant(participant: Participant): Promise<void>;
  /**
   * Counts one chat message from `seat` in rate window `window` (a new window starts at 1), unless the seat
   * has sent `max` in it already. Atomic, so messages sent at once are each counted. False when over the
   * limit, or when the seat went or moved to another socket meanwhile.
   */
  countChat(seat: Participant, window: number, max: number): Promise<boolean>;
  /** One strongly consistent query over the meeting: record, participants, last `chatLimit` messages. */
  readMeeting(code: string, chatLimit: number): Promise<MeetingSnapshot>;
  /** Adds or refreshes a line of an account's meeting history. */
  saveHistory(history: HistoryRecord): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** One read request: the sender's connection and the target participant. */
  getSenderAndTarget(
    connectionId: string,
    meeting: string,
    targetPeerId: string,
  ): Promise<{ sender?: ConnectionRecord; target?: Participant }>;
  /**
   * Removes the participant only if it is still on this connection (a resumed peer has moved on); gives the
   * seat removed, or undefined when there was none to remove.
   */
  removeParticipant(meeting: string, peerId: string, connectionId: string): Promise<Participant | undefined>;
  /**
   * Writes `seat` back over the seat that a failed join moved to `connectionId`, only if it is still there
   * (a `$disconnect` may have removed it, a newer resume moved it on). False when nothing was written.
   */
  restoreParticipant(seat: Participant, connectionId: string): Promise<boolean>;
  /**
   * Writes the connection back without a seat, only if its claim still names `peerId`: a `leave`, a
   * `$disconnect` or a later join may have changed it since. False when nothing was written.
   */
  releaseClaim(connection: ConnectionRecord, peerId: string): Promise<boolean>;
  /** Marks the claim admitted, only if it still names `peerId` (no `leave` cleared it meanwhile). */
  admitConnection(connectionId: string, peerId: string): Promise<boolean>;
  deleteConnection(connectionId: string): Promise<void>;
  addChat(chat: StoredChat): Promise<void>;
  listParticipants(meeting: string): Promise<Participant[]>;
}

export type SendResult = 'sent' | 'gone';

/** Delivers one message to one WebSocket connection. */
export interface MessageSender {
  send(connectionId: string, message: unknown): Promise<SendResult>;
}

export interface SecretStore {
  /** The token-signing secret, created once if `create` and none exists yet. */
  getSecret(create: boolean): Promise<string | undefined>;
}

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
