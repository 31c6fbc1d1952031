// SignalClient: the meeting's WebSocket and nothing else. Connects with the token, joins the meeting,
// re-emits what arrives as the shared protocol's typed events, keeps the
// socket alive (API Gateway drops a socket idle for 10 minutes and cuts every socket at 2 hours),
// and reconnects on its own, re-joining with the resume key so the peer id, and with it every
// RTCPeerConnection the other participants hold, stays the same.
import { HEARTBEAT_INTERVAL_MS, MAX_CONNECTION_MS } from '$protocol/limits.js';
import type {
  ChatAction,
  ChatMessage,
  ErrorMessage,
  ClientMessage,
  JoinAction,
  JoinedMessage,
  PeerInfo,
  PeerLeftMessage,
  ServerMessage,
  SignalAction,
  SignalMessage,
} from '$protocol/messages.js';
import { createEmitter, type Emitter } from './Emitter.js';
import { backoffDelay } from './backoff.js';
import { createTimers, type Timer } from './timers.js';

export type SignalStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export type SignalFailureReason = 'meeting-not-found' | 'meeting-full' | 'unauthorized' | 'refused';
export interface SignalFailure {
  reason: SignalFailureReason;
  message: string;
}

export interface SignalEvents {
  status: SignalStatus;
  /** `resumed`: this is a re-join that kept the same peer id. */
  joined: { message: JoinedMessage; resumed: boolean };
  'peer-joined': PeerInfo;
  /** `disconnected`: their socket closed; they may resume with the same id (no reason: they left). */
  'peer-left': PeerLeftMessage;
  signal: SignalMessage;
  chat: ChatMessage;
  /** An error the server reported that does not end the session. */
  error: ErrorMessage;
  /** The session cannot go on; no more reconnects. */
  failed: SignalFailure;
  /**
   * API Gateway answered one of our messages with its own error frame (`{message: "Internal server error"}`):
   * the handler was throttled or failed, and that message is lost. Which one, the frame does not say.
   */
  lost: string;
}

export interface SignalClientOptions {
  /** Absolute ws:// or wss:// URL; the token is added as a query parameter. */
  url: string;
  token: () => string;
  meeting: string;
  /** Asked when a socket fails before opening; `false` ends the session as 'unauthorized'. */
  tokenValid: () => boolean;
}

const OUTBOX_LIMIT = 500;
const RETIRE_GRACE_MS = 1000;
const LEAVE_LINGER_MS = 1500;
/** A socket that does not answer a ping within this long is treated as dead. */
const PONG_TIMEOUT_MS = 20_000;
/** The same, when there is reason to doubt the socket (the network changed): a quicker verdict. */
const CHECK_TIMEOUT_MS = 5000;
const JOIN_TIMEOUT_MS = 10_000;

export interface SignalClient {
  on: Emitter<SignalEvents>['on'];
  connect(): void;
  /** Sends now when joined, otherwise after the next (re-)join. */
  send(message: SignalAction | ChatAction): void;
  /** Leaves the meeting (the others are told at once) and closes for good. */
  leave(): void;
  /** Closes for good without a `leave`; the server notices the socket closing. */
  close(): void;
  /**
   * Makes sure the socket still works, now rather than at the next heartbeat: after a network change
   * it may look open while nothing gets through (messages sent into it are lost).
   */
  check(): void;
}

export function createSignalClient(options: SignalClientOptions): SignalClient {
  const events = createEmitter<SignalEvents>();
  const timers = createTimers();
  let status: SignalStatus = 'idle';
  let socket: WebSocket | null = null;
  /** Joined on `socket`: sends go straight out; before that they wait in the outbox. */
  let joined = false;
  /** A replacement socket opened ahead of the 2-hour cap (make before break). */
  let next: WebSocket | null = null;
  /** Our peer id and the key that reclaims it after a reconnect. */
  let session: { peer: string; key: string } | null = null;
  let outbox: (SignalAction | ChatAction)[] = [];
  let attempt = 0;
  /** Renewal sockets that failed in a row (for their backoff). */
  let renewals = 0;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let pongTimer: Timer | null = null;
  let pongDeadline = 0;
  let reconnectTimer: Timer | null = null;

  function openSocket(): WebSocket {
    const url = new URL(options.url);
    url.searchParams.set('token', options.token());
    const opening = new WebSocket(url);
    let opened = false;
    opening.onopen = () => {
      opened = true;
      sendJoin(opening);
    };
    opening.onmessage = (event) => receive(opening, event.data);
    opening.onclose = () => onClose(opening, opened);
    return opening;
  }

  function sendJoin(to: WebSocket): void {
    const join: JoinAction = { action: 'join', meeting: options.meeting };
    if (session) join.resume = { ...session };
    sendAction(to, join);
    // No `joined` in time: the socket is treated as dead (a renewal socket is retried later).
    timers.add(JOIN_TIMEOUT_MS, () => (to === next || (to === socket && !joined)) && abandon(to));
  }

  function receive(from: WebSocket, raw: unknown): void {
    // What arrives is not validated field by field in the browser: the handlers build it from the shared
    // protocol's types and validate every client's input, peers' signal payloads included, and the protocol
    // only ever grows, so a tab older than the server meets new types (no case below: ignored), never changed ones.
    let message: ServerMessage | { type?: undefined; message?: unknown } | null;
    try {
      message = JSON.parse(String(raw));
    } catch {
      return;
    }
    switch (message?.type) {
      case undefined:
        // API Gateway's own error frame (see `lost`).
        if (typeof message?.message === 'string') events.emit('lost', message.message);
        return;
      case 'joined':
        return onJoined(from, message);
      case 'pong':
        pongTimer = timers.clear(pongTimer);
        return;
      case 'error':
        return onError(from, message);
      case 'peer-joined':
        return events.emit('peer-joined', message.peer);
      case 'peer-left':
        return events.emit('peer-left', message);
      case 'signal':
        return events.emit('signal', message);
      case 'chat':
        return events.emit('chat', message);
    }
  }

  function onJoined(from: WebSocket, message: JoinedMessage): void {
    const resumed = session?.peer === message.self.id;
    session = { peer: message.self.id, key: message.resumeKey };
    if (from === next) {
      // The replacement socket is in: switch over, let the old one drain, then close it.
      const old = socket;
      socket = from;
      next = null;
      renewals = 0;
      if (old) setTimeout(() => discard(old), RETIRE_GRACE_MS);
    }
    if (from !== socket) return;
    joined = true;
    attempt = 0;
    startHeartbeat();
    // Switch to a fresh socket 5 to 10 minutes (jittered) before the gateway's 2-hour cap.
    timers.add(MAX_CONNECTION_MS - (5 + Math.random() * 5) * 60_000, renew);
    setStatus('connected');
    events.emit('joined', { message, resumed });
    const queued = outbox;
    outbox = [];
    queued.forEach(client.send);
  }

  function onError(from: WebSocket, message: ErrorMessage): void {
    if (message.action !== 'join') return events.emit('error', message);
    // A renewal that did not go through: the current socket still works; try again shortly.
    if (from === next) return abandon(from);
    const { code } = message;
    // A fault on the server is passing: reconnect with backoff, keeping our peer id. (A resume key the server
    // no longer accepts is not an error: it simply hands out a new id.)
    if (code === 'internal') return abandon(from);
    fail(code === 'meeting-not-found' || code === 'meeting-full' ? code : 'refused', message.message);
  }

  function onClose(closing: WebSocket, opened: boolean): void {
    if (closing === next) {
      next = null;
      timers.add(backoffDelay(renewals++), renew);
      return;
    }
    if (closing !== socket || status === 'closed') return;
    socket = null;
    joined = false;
    stopTimers();
    // A renewal under way belongs to the socket that just went: the reconnect starts over with its own.
    if (next) discard(next);
    next = null;
    if (!opened && !options.tokenValid()) {
      return fail('unauthorized', 'Your session has expired. Sign in or enter your name again to rejoin.');
    }
    setStatus('reconnecting');
    reconnectTimer = timers.add(backoffDelay(attempt++), reconnect);
  }

  function fail(reason: SignalFailureReason, message: string): void {
    events.emit('failed', { reason, message });
    client.close();
  }

  /** Treats a socket as dead now rather than waiting for a close handshake that may never come. */
  function abandon(dead: WebSocket): void {
    const opened = dead.readyState !== WebSocket.CONNECTING;
    discard(dead);
    onClose(dead, opened);
  }

  function startHeartbeat(): void {
    clearInterval(heartbeat);
    heartbeat = setInterval(() => probe(PONG_TIMEOUT_MS), HEARTBEAT_INTERVAL_MS);
  }

  /**
   * Pings the joined socket; one that does not answer within `timeout` is treated as dead. A ping already
   * waiting keeps waiting, but no longer than `timeout` from now.
   */
  function probe(timeout: number): void {
    const current = socket;
    if (!current || !joined || (pongTimer && pongDeadline <= performance.now() + timeout)) return;
    timers.clear(pongTimer);
    sendAction(current, { action: 'ping' });
    pongDeadline = performance.now() + timeout;
    pongTimer = timers.add(timeout, () => {
      pongTimer = null;
      abandon(current);
    });
  }

  function renew(): void {
    if (status === 'connected' && !next) next = openSocket();
  }

  function stopTimers(): void {
    timers.clear();
    clearInterval(heartbeat);
    pongTimer = reconnectTimer = null;
  }

  function setStatus(to: SignalStatus): void {
    if (status !== to) events.emit('status', (status = to));
  }

  /** Opens a socket now (the backoff is over, or the network is back while we wait). */
  function reconnect(): void {
    reconnectTimer = null;
    socket = openSocket();
  }

  function onOnline(): void {
    if (status === 'connected') return probe(CHECK_TIMEOUT_MS);
    if (status !== 'reconnecting' || socket) return;
    timers.clear(reconnectTimer);
    reconnect();
  }

  const client: SignalClient = {
    on: events.on,

    connect() {
      if (status !== 'idle') return;
      setStatus('connecting');
      addEventListener('online', onOnline);
      socket = openSocket();
    },

    send(message) {
      if (status === 'closed') return;
      if (joined && socket?.readyState === WebSocket.OPEN) return sendAction(socket, message);
      if (outbox.push(message) > OUTBOX_LIMIT) outbox.shift();
    },

    leave() {
      const leaving = socket;
      if (joined && leaving?.readyState === WebSocket.OPEN) {
        sendAction(leaving, { action: 'leave' });
        // Closing at once would race the leave on the server: if $disconnect ran first, the others would
        // hear "disconnected" and wait for a comeback. So the socket lingers a moment (unless the page goes).
        socket = null;
        leaving.onmessage = leaving.onclose = null;
        setTimeout(() => discard(leaving), LEAVE_LINGER_MS);
      }
      client.close();
    },

    close() {
      if (status === 'closed') return;
      setStatus('closed');
      removeEventListener('online', onOnline);
      stopTimers();
      for (const open of [socket, next]) if (open) discard(open);
      socket = next = null;
      joined = false;
      outbox = [];
      events.clear();
    },

    check: () => probe(CHECK_TIMEOUT_MS),
  };
  return client;
}

function sendAction(socket: WebSocket, action: ClientMessage): void {
  socket.send(JSON.stringify(action));
}

function discard(socket: WebSocket): void {
  socket.onopen = socket.onmessage = socket.onclose = null;
  try {
    socket.close(1000);
  } catch {
    // Already closing: nothing left to do.
  }
}
