// SignalClient: the meeting's WebSocket and nothing else. Connects with the token, joins the meeting,
// validates what arrives against the shared protocol and re-emits it as typed events, keeps the
// socket alive (API Gateway drops a socket idle for 10 minutes and cuts every socket at 2 hours),
// and reconnects on its own, re-joining with the resume key so the peer id, and with it every
// RTCPeerConnection the other participants hold, stays the same.
import * as v from 'valibot';
import { HEARTBEAT_INTERVAL_MS, MAX_CONNECTION_MS } from '$protocol/limits.js';
import {
  ServerMessage,
  type ChatAction,
  type ChatMessage,
  type ClientMessage,
  type ErrorMessage,
  type JoinAction,
  type JoinedMessage,
  type PeerInfo,
  type SignalAction,
} from '$protocol/messages.js';
import { Emitter } from './Emitter.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

export type SignalStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export type SignalFailureReason = 'meeting-not-found' | 'meeting-full' | 'unauthorized';
export interface SignalFailure {
  reason: SignalFailureReason;
  message: string;
}

export interface SignalEvents {
  status: SignalStatus;
  /** `resumed`: this is a re-join that kept the same peer id. */
  joined: { message: JoinedMessage; resumed: boolean };
  'peer-joined': PeerInfo;
  /** `disconnected`: their socket closed; they may resume with the same id. */
  'peer-left': { id: string; reason: 'left' | 'disconnected' };
  signal: { from: string; data: Record<string, unknown> };
  chat: ChatMessage;
  /** An error the server reported that does not end the session. */
  error: ErrorMessage;
  /** The session cannot go on; no more reconnects. */
  failed: SignalFailure;
}

export interface SignalClientOptions {
  /** Absolute ws:// or wss:// URL; the token is added as a query parameter. */
  url: string;
  token: () => string;
  meeting: string;
  heartbeatMs?: number;
  /** A socket that does not answer a ping within this long is treated as dead. */
  pongTimeoutMs?: number;
  /** Reconnect ahead of API Gateway's hard cap on a connection's lifetime. */
  maxConnectionMs?: number;
  joinTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Asked when a socket fails before opening; `false` ends the session as 'unauthorized'. */
  tokenValid?: () => boolean;
  createSocket?: (url: string) => WebSocket;
}

interface Session {
  peer: string;
  key: string;
}

const OUTBOX_LIMIT = 500;
const RETIRE_GRACE_MS = 1000;
const LEAVE_LINGER_MS = 1500;

export class SignalClient extends Emitter<SignalEvents> {
  readonly #options: Required<Omit<SignalClientOptions, 'tokenValid'>> & Pick<SignalClientOptions, 'tokenValid'>;
  #status: SignalStatus = 'idle';
  #socket: WebSocket | null = null;
  /** Joined on #socket: sends go straight out; before that they wait in the outbox. */
  #joined = false;
  /** A replacement socket opened ahead of the 2-hour cap (make before break). */
  #next: WebSocket | null = null;
  #session: Session | null = null;
  #outbox: (SignalAction | ChatAction)[] = [];
  #attempt = 0;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #pongTimer: ReturnType<typeof setTimeout> | null = null;
  #joinTimer: ReturnType<typeof setTimeout> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SignalClientOptions) {
    super();
    this.#options = {
      heartbeatMs: HEARTBEAT_INTERVAL_MS,
      pongTimeoutMs: 20_000,
      maxConnectionMs: MAX_CONNECTION_MS,
      joinTimeoutMs: 10_000,
      backoff: DEFAULT_BACKOFF,
      createSocket: (url) => new WebSocket(url),
      ...options,
    };
  }

  get status(): SignalStatus {
    return this.#status;
  }

  /** Our peer id in the meeting, once joined. */
  get selfId(): string | null {
    return this.#session?.peer ?? null;
  }

  connect(): void {
    if (this.#status !== 'idle') return;
    this.#setStatus('connecting');
    addEventListener('online', this.#onOnline);
    this.#socket = this.#openSocket();
  }

  /** Sends now when joined, otherwise after the next (re-)join. */
  send(message: SignalAction | ChatAction): void {
    if (this.#status === 'closed') return;
    if (this.#joined && this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify(message));
      return;
    }
    this.#outbox.push(message);
    if (this.#outbox.length > OUTBOX_LIMIT) this.#outbox.shift();
  }

  /** Skips the backoff wait, e.g. when the browser reports the network is back. */
  reconnectNow(): void {
    if (this.#status !== 'reconnecting' || this.#socket) return;
    if (this.#reconnectTimer) this.#clearTimer(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#socket = this.#openSocket();
  }

  /** Leaves the meeting (the others are told at once) and closes for good. */
  leave(): void {
    const socket = this.#socket;
    if (this.#joined && socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ action: 'leave' } satisfies ClientMessage));
      // Closing at once would race the leave on the server: if $disconnect ran first, the others would
      // hear "disconnected" and wait for a comeback. So the socket lingers a moment (unless the page goes).
      this.#socket = null;
      socket.onmessage = socket.onclose = null;
      setTimeout(() => this.#discard(socket), LEAVE_LINGER_MS);
    }
    this.close();
  }

  /** Closes for good without a `leave`; the server notices the socket closing. */
  close(): void {
    if (this.#status === 'closed') return;
    this.#setStatus('closed');
    removeEventListener('online', this.#onOnline);
    this.#stopTimers();
    for (const socket of [this.#socket, this.#next]) if (socket) this.#discard(socket);
    this.#socket = this.#next = null;
    this.#joined = false;
    this.#outbox = [];
    this.removeAllListeners();
  }

  #openSocket(): WebSocket {
    const url = new URL(this.#options.url);
    url.searchParams.set('token', this.#options.token());
    const socket = this.#options.createSocket(url.href);
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#sendJoin(socket);
    };
    socket.onmessage = (event) => this.#receive(socket, event.data);
    socket.onclose = () => this.#onClose(socket, opened);
    return socket;
  }

  #sendJoin(socket: WebSocket): void {
    const join: JoinAction = { action: 'join', meeting: this.#options.meeting };
    if (this.#session) join.resume = { ...this.#session };
    socket.send(JSON.stringify(join));
    if (socket === this.#socket) {
      this.#joinTimer = this.#later(this.#options.joinTimeoutMs, () => this.#abandon(socket));
    }
  }

  #receive(socket: WebSocket, raw: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(String(raw));
    } catch {
      return;
    }
    const parsed = v.safeParse(ServerMessage, json);
    if (!parsed.success) {
      console.warn('[meshmeet] ignored a malformed server message', parsed.issues[0]?.message);
      return;
    }
    const message = parsed.output;
    switch (message.type) {
      case 'joined':
        return this.#onJoined(socket, message);
      case 'pong':
        if (this.#pongTimer) this.#clearTimer(this.#pongTimer);
        this.#pongTimer = null;
        return;
      case 'error':
        return this.#onError(socket, message);
      case 'peer-joined':
        return this.emit('peer-joined', message.peer);
      case 'peer-left':
        return this.emit('peer-left', { id: message.id, reason: message.reason ?? 'left' });
      case 'signal':
        return this.emit('signal', { from: message.from, data: message.data });
      case 'chat':
        return this.emit('chat', message);
    }
  }

  #onJoined(socket: WebSocket, message: JoinedMessage): void {
    const resumed = this.#session?.peer === message.self.id;
    this.#session = { peer: message.self.id, key: message.resumeKey };
    if (socket === this.#next) {
      // The replacement socket is in: switch over, let the old one drain, then close it.
      const old = this.#socket;
      this.#socket = socket;
      this.#next = null;
      if (old) setTimeout(() => this.#discard(old), RETIRE_GRACE_MS);
    }
    if (socket !== this.#socket) return;
    if (this.#joinTimer) this.#clearTimer(this.#joinTimer);
    this.#joinTimer = null;
    this.#joined = true;
    this.#attempt = 0;
    this.#startHeartbeat();
    this.#scheduleRenewal();
    this.#setStatus('connected');
    this.emit('joined', { message, resumed });
    const queued = this.#outbox;
    this.#outbox = [];
    for (const item of queued) this.send(item);
  }

  #onError(socket: WebSocket, message: ErrorMessage): void {
    if (message.action !== 'join') return this.emit('error', message);
    if (message.code === 'meeting-not-found' || message.code === 'meeting-full') {
      this.emit('failed', { reason: message.code, message: message.message });
      return this.close();
    }
    if (this.#session && socket.readyState === WebSocket.OPEN) {
      // The server would not take our resume key (expired, or the seat is gone): join as new.
      this.#session = null;
      return this.#sendJoin(socket);
    }
    this.emit('error', message);
  }

  #onClose(socket: WebSocket, opened: boolean): void {
    if (socket === this.#next) {
      this.#next = null;
      this.#later(30_000, () => this.#renew());
      return;
    }
    if (socket !== this.#socket || this.#status === 'closed') return;
    this.#socket = null;
    this.#joined = false;
    this.#stopTimers();
    if (!opened && this.#options.tokenValid?.() === false) {
      this.emit('failed', { reason: 'unauthorized', message: 'Your session has expired. Sign in or enter your name again to rejoin.' });
      return this.close();
    }
    this.#setStatus('reconnecting');
    this.#reconnectTimer = this.#later(backoffDelay(this.#attempt++, this.#options.backoff), () => {
      this.#reconnectTimer = null;
      this.#socket = this.#openSocket();
    });
  }

  /** Treats a socket as dead now rather than waiting for a close handshake that may never come. */
  #abandon(socket: WebSocket): void {
    const opened = socket.readyState !== WebSocket.CONNECTING;
    this.#discard(socket);
    this.#onClose(socket, opened);
  }

  #discard(socket: WebSocket): void {
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(1000);
    } catch {
      // Already closing: nothing left to do.
    }
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      const socket = this.#socket;
      if (!socket || !this.#joined) return;
      socket.send(JSON.stringify({ action: 'ping' } satisfies ClientMessage));
      this.#pongTimer ??= this.#later(this.#options.pongTimeoutMs, () => {
        this.#pongTimer = null;
        this.#abandon(socket);
      });
    }, this.#options.heartbeatMs);
  }

  /** Plans the switch to a fresh socket 5 to 10 minutes before the gateway's cap, jittered. */
  #scheduleRenewal(): void {
    const margin = Math.min(this.#options.maxConnectionMs / 2, (5 + Math.random() * 5) * 60_000);
    this.#later(this.#options.maxConnectionMs - margin, () => this.#renew());
  }

  #renew(): void {
    if (this.#status !== 'connected' || this.#next) return;
    this.#next = this.#openSocket();
  }

  #stopTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = this.#pongTimer = this.#joinTimer = this.#reconnectTimer = null;
  }

  #later(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #clearTimer(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  #setStatus(status: SignalStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('status', status);
  }

  #onOnline = (): void => this.reconnectNow();
}
