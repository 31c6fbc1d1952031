// Room: the meeting as this client sees it. Turns signalling events into participants, one PeerLink
// each; keeps the chat; owns what we send (tracks and mic/camera/screen state) and hands it to every
// link. Tolerates the relay's reordering: a signal may come before its sender's peer-joined (the link
// is made on first signal), a peer-joined may repeat for a peer we have (a resumed socket: an update),
// and a late signal from someone who left does not bring them back.
import { MAX_CHAT_LENGTH } from '$protocol/limits.js';
import type { ChatMessage, ErrorMessage, PeerInfo } from '$protocol/messages.js';
import { Emitter } from './Emitter.js';
import { PeerLink, type LocalMedia, type MediaSlot } from './PeerLink.js';
import type { PeerMediaState } from './peer-signal.js';
import type { SignalClient, SignalFailure, SignalStatus } from './SignalClient.js';

export interface RemoteParticipant {
  readonly id: string;
  /** Null until the server has told us who this is (their first signal can arrive first). */
  info: PeerInfo | null;
  readonly link: PeerLink;
  /** Their signalling socket dropped: their media may still flow and they may resume with this id. */
  away: boolean;
}

export type LeaveReason = 'left' | 'gone';

export interface RoomEvents {
  status: SignalStatus;
  joined: { self: { id: string; name: string }; meeting: { code: string; title: string }; resumed: boolean };
  'participant-joined': RemoteParticipant;
  'participant-updated': RemoteParticipant;
  'participant-left': { participant: RemoteParticipant; reason: LeaveReason };
  chat: ChatMessage;
  'chat-history': readonly ChatMessage[];
  error: ErrorMessage;
  failed: SignalFailure;
}

/**
 * How long a participant whose socket dropped keeps their tile while their media still flows, waiting
 * for them to resume. A page that closed is noticed sooner: its media path goes down within seconds.
 */
export const AWAY_GRACE_MS = 60_000;

export interface RoomOptions {
  iceServers: RTCIceServer[];
}

export class Room extends Emitter<RoomEvents> {
  readonly #signal: SignalClient;
  readonly #iceServers: RTCIceServer[];
  #selfId: string | null = null;
  #participants = new Map<string, RemoteParticipant>();
  /** Peers that left: their late signals must not resurrect them (until they join again). */
  #departed = new Set<string>();
  #awayTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #chat: ChatMessage[] = [];
  #chatIds = new Set<string>();
  #tracks: Record<MediaSlot, MediaStreamTrack | null> = { mic: null, camera: null, screen: null };
  #streams = { camera: new MediaStream(), screen: new MediaStream() };
  #state: PeerMediaState = { rev: 0, audio: false, video: false, screen: null };
  #left = false;

  readonly #local: LocalMedia = {
    track: (slot) => this.#tracks[slot],
    stream: (slot) => (slot === 'screen' ? this.#streams.screen : this.#streams.camera),
    state: () => this.#state,
  };

  constructor(signal: SignalClient, options: RoomOptions) {
    super();
    this.#signal = signal;
    this.#iceServers = options.iceServers;
    signal.on('status', (status) => this.emit('status', status));
    signal.on('joined', ({ message, resumed }) => this.#onJoined(message.self, message.meeting, message.peers, message.chat, resumed));
    signal.on('peer-joined', (info) => this.#onPeerJoined(info));
    signal.on('peer-left', ({ id, reason }) => (reason === 'disconnected' ? this.#markAway(id) : this.#remove(id, 'left')));
    signal.on('signal', ({ from, data }) => this.#onSignal(from, data));
    signal.on('chat', (message) => this.#addChat(message) && this.emit('chat', message));
    signal.on('error', (error) => this.emit('error', error));
    signal.on('failed', (failure) => this.emit('failed', failure));
  }

  get selfId(): string | null {
    return this.#selfId;
  }
  get participants(): RemoteParticipant[] {
    return [...this.#participants.values()];
  }
  get chat(): readonly ChatMessage[] {
    return this.#chat;
  }
  get mediaState(): PeerMediaState {
    return this.#state;
  }

  join(): void {
    this.#signal.connect();
  }

  leave(): void {
    if (this.#left) return;
    this.#left = true;
    this.#signal.leave();
    for (const participant of this.#participants.values()) participant.link.close();
    for (const timer of this.#awayTimers.values()) clearTimeout(timer);
    this.#participants.clear();
    this.removeAllListeners();
  }

  /**
   * Sends `track` in `slot` to everyone (null stops it). A mic track comes in muted or not as its
   * `enabled` says; mute later with setAudioEnabled, which keeps the track so unmuting is instant.
   */
  setTrack(slot: MediaSlot, track: MediaStreamTrack | null): void {
    this.#tracks[slot] = track;
    this.#updateState({
      audio: slot === 'mic' ? Boolean(track?.enabled) : this.#state.audio,
      video: slot === 'camera' ? Boolean(track) : this.#state.video,
      screen: slot === 'screen' ? (track ? this.#streams.screen.id : null) : this.#state.screen,
    });
    for (const participant of this.#participants.values()) void participant.link.setTrack(slot, track);
  }

  setAudioEnabled(enabled: boolean): void {
    const mic = this.#tracks.mic;
    if (mic) mic.enabled = enabled;
    this.#updateState({ ...this.#state, audio: enabled && Boolean(mic) });
  }

  /** Returns an error message a user can act on, or null once the message is on its way. */
  sendChat(text: string): string | null {
    const trimmed = text.trim();
    if (!trimmed) return 'Type a message first.';
    if (trimmed.length > MAX_CHAT_LENGTH) return `A message has at most ${MAX_CHAT_LENGTH} characters.`;
    this.#signal.send({ action: 'chat', text: trimmed });
    return null;
  }

  /** Each remote participant's current loudness, 0..1. */
  audioLevels(): Map<string, number> {
    const levels = new Map<string, number>();
    for (const [id, participant] of this.#participants) levels.set(id, participant.link.audioLevel());
    return levels;
  }

  #updateState(next: Omit<PeerMediaState, 'rev'>): void {
    const current = this.#state;
    if (current.audio === next.audio && current.video === next.video && current.screen === next.screen) return;
    this.#state = { ...next, rev: current.rev + 1 };
    for (const participant of this.#participants.values()) participant.link.sendState();
  }

  #onJoined(
    self: { id: string; name: string },
    meeting: { code: string; title: string },
    peers: readonly PeerInfo[],
    chat: readonly ChatMessage[],
    resumed: boolean,
  ): void {
    if (this.#selfId !== null && this.#selfId !== self.id) {
      // The server gave us a new identity: every link was made for the old one. Start over.
      for (const id of [...this.#participants.keys()]) this.#remove(id, 'gone');
    }
    this.#selfId = self.id;
    const present = new Set<string>();
    for (const info of peers) {
      if (info.id === self.id) continue;
      present.add(info.id);
      this.#departed.delete(info.id);
      const existing = this.#participants.get(info.id);
      if (existing) {
        existing.info = info;
        this.#clearAway(existing);
        existing.link.resync();
        this.emit('participant-updated', existing);
      } else {
        this.#add(info.id, info, true);
      }
    }
    if (resumed) {
      // Whoever left while our socket was down: their peer-left never reached us.
      for (const id of [...this.#participants.keys()]) if (!present.has(id)) this.#remove(id, 'gone');
    }
    for (const message of chat) this.#addChat(message);
    this.emit('joined', { self, meeting, resumed });
    this.emit('chat-history', this.#chat);
  }

  #onPeerJoined(info: PeerInfo): void {
    if (info.id === this.#selfId) return;
    this.#departed.delete(info.id);
    const existing = this.#participants.get(info.id);
    if (!existing) return void this.#add(info.id, info, false);
    // Their socket came back (same id): keep the connection, refresh what they may have missed.
    existing.info = info;
    this.#clearAway(existing);
    existing.link.resync();
    this.emit('participant-updated', existing);
  }

  #onSignal(from: string, data: Record<string, unknown>): void {
    if (from === this.#selfId || this.#departed.has(from) || this.#selfId === null) return;
    const participant = this.#participants.get(from) ?? this.#add(from, null, false);
    participant.link.receive(data);
  }

  #add(id: string, info: PeerInfo | null, initiator: boolean, announce = true): RemoteParticipant {
    const link = new PeerLink({
      selfId: this.#selfId!,
      peerId: id,
      iceServers: this.#iceServers,
      initiator,
      local: this.#local,
      send: (data) => this.#signal.send({ action: 'signal', to: id, data }),
      peerCount: this.#participants.size + 1,
    });
    const participant: RemoteParticipant = { id, info, link, away: false };
    this.#participants.set(id, participant);
    const changed = (): void => this.emit('participant-updated', participant);
    link.on('health', (health) => {
      // Someone whose socket dropped and whose media stopped too has gone (closed the tab, lost the network).
      if (participant.away && health !== 'connected') this.#remove(id, 'gone');
      else changed();
    });
    // Their side started over with a new connection (they lost ours): follow with a fresh one.
    link.on('replaced', (data) => this.#replace(participant, data));
    link.on('media', changed);
    link.on('state', changed);
    this.#updatePeerCounts();
    this.emit(announce ? 'participant-joined' : 'participant-updated', participant);
    return participant;
  }

  /** Keeps the participant (and the media) for a grace period: a dropped socket is often back in seconds. */
  #markAway(id: string): void {
    const participant = this.#participants.get(id);
    if (!participant || participant.away) return;
    if (participant.link.health !== 'connected') return this.#remove(id, 'gone');
    participant.away = true;
    this.#awayTimers.set(id, setTimeout(() => this.#remove(id, 'gone'), AWAY_GRACE_MS));
    this.emit('participant-updated', participant);
  }

  #replace(old: RemoteParticipant, data: Record<string, unknown> | null): void {
    if (this.#participants.get(old.id) !== old) return;
    old.link.close();
    this.#participants.delete(old.id);
    // With their offer in hand we answer; if ours met a stranger's answer, we offer from scratch.
    const fresh = this.#add(old.id, old.info, data === null, false);
    if (data) fresh.link.receive(data);
    const candidates = old.link.pendingCandidates;
    if (candidates.length) fresh.link.receive({ candidates });
  }

  #clearAway(participant: RemoteParticipant): void {
    participant.away = false;
    clearTimeout(this.#awayTimers.get(participant.id));
    this.#awayTimers.delete(participant.id);
  }

  #remove(id: string, reason: LeaveReason): void {
    const timer = this.#awayTimers.get(id);
    if (timer) clearTimeout(timer);
    this.#awayTimers.delete(id);
    this.#departed.add(id);
    const participant = this.#participants.get(id);
    if (!participant) return;
    this.#participants.delete(id);
    participant.link.close();
    this.#updatePeerCounts();
    this.emit('participant-left', { participant, reason });
  }

  #updatePeerCounts(): void {
    for (const participant of this.#participants.values()) participant.link.setPeerCount(this.#participants.size);
  }

  #addChat(message: ChatMessage): boolean {
    if (this.#chatIds.has(message.id)) return false;
    this.#chatIds.add(message.id);
    this.#chat.push(message);
    if (this.#chat.length > 1 && this.#chat.at(-2)!.at > message.at) this.#chat.sort((a, b) => a.at - b.at);
    return true;
  }
}
