// Room: the meeting as this client sees it. Turns signalling events into participants, one PeerLink
// each; keeps the chat; owns what we send (tracks and mic/camera/screen state) and hands it to every
// link. Tolerates the relay's reordering: a signal may come before its sender's peer-joined (the link
// is made on first signal), a peer-joined may repeat for a peer we have (a resumed socket: an update),
// and a late signal from someone who left does not bring them back.
import { MAX_CHAT_LENGTH } from '$protocol/limits.js';
import type { ChatMessage, ErrorMessage, PeerInfo } from '$protocol/messages.js';
import { createChatOutbox } from './ChatOutbox.js';
import { createEmitter, type Emitter } from './Emitter.js';
import { createPeerLink, type LocalMedia, type MediaSlot, type PeerLink } from './PeerLink.js';
import { INITIAL_MEDIA_STATE, type PeerMediaState } from './peer-signal.js';
import type { SignalClient, SignalFailure, SignalStatus } from './SignalClient.js';

export interface RemoteParticipant {
  readonly id: string;
  /** Null until the server has told us who this is (their first signal can arrive first). */
  info: PeerInfo | null;
  readonly link: PeerLink;
  /** Their signalling socket dropped: their media may still flow and they may resume with this id. */
  away: boolean;
}

export interface RoomEvents {
  status: SignalStatus;
  joined: { self: { id: string; name: string }; meeting: { code: string; title: string } };
  'participant-joined': RemoteParticipant;
  'participant-updated': RemoteParticipant;
  'participant-left': RemoteParticipant;
  chat: ChatMessage;
  /** Our messages not yet stored, oldest first (shown as sending). */
  sending: readonly string[];
  error: ErrorMessage;
  failed: SignalFailure;
}

export interface Room {
  readonly chat: readonly ChatMessage[];
  on: Emitter<RoomEvents>['on'];
  join(): void;
  leave(): void;
  /**
   * Sends `track` in `slot` to everyone (null stops it). A mic track comes in muted or not as its
   * `enabled` says; mute later with setAudioEnabled, which keeps the track so unmuting is instant.
   */
  setTrack(slot: MediaSlot, track: MediaStreamTrack | null): void;
  setAudioEnabled(enabled: boolean): void;
  /** Returns an error message a user can act on, or null once the message is on its way (or queued). */
  sendChat(text: string): string | null;
  /** Each remote participant's current loudness, 0..1. */
  audioLevels(): Map<string, number>;
}

/**
 * How long a participant whose socket dropped keeps their tile while their media still flows, waiting
 * for them to resume. A page that closed is noticed sooner: its media path goes down within seconds.
 */
export const AWAY_GRACE_MS = 60_000;
const LOST_RESYNC_GAP_MS = 3000;

export function createRoom(signal: SignalClient, iceServers: RTCIceServer[]): Room {
  const events = createEmitter<RoomEvents>();
  let selfId: string | null = null;
  const participants = new Map<string, RemoteParticipant>();
  /**
   * Peers that left, with the joinedAt of the seat that went (-Infinity when unknown): their late signals
   * must not resurrect them, nor a late listing of that seat; a later seat (they came back) may.
   */
  const departed = new Map<string, number>();
  const awayTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const chat: ChatMessage[] = [];
  const chatIds = new Set<string>();
  const outbox = createChatOutbox(
    (text, ref) => signal.send({ action: 'chat', text, ref }),
    () => events.emit('sending', outbox.texts),
  );
  /** Our socket was down since the last join (a renewal keeps it up): the outbox must check what arrived. */
  let down = true;
  const tracks: Record<MediaSlot, MediaStreamTrack | null> = { mic: null, camera: null, screen: null };
  const streams = { camera: new MediaStream(), screen: new MediaStream() };
  let state = INITIAL_MEDIA_STATE;
  let left = false;

  const local: LocalMedia = {
    track: (slot) => tracks[slot],
    stream: (slot) => (slot === 'screen' ? streams.screen : streams.camera),
    state: () => state,
  };
  const links = (): PeerLink[] => [...participants.values()].map((participant) => participant.link);

  function updateState(next: PeerMediaState): void {
    if (state.audio === next.audio && state.video === next.video && state.screen === next.screen) return;
    state = { ...next, rev: state.rev + 1 };
    for (const link of links()) link.sendState();
  }

  function onPeerJoined(info: PeerInfo, initiator = false): void {
    // A listing of the seat that already went (its peer-left overtook the joined or peer-joined naming it).
    if (info.id === selfId || info.joinedAt <= (departed.get(info.id) ?? -Infinity)) return;
    departed.delete(info.id);
    const existing = participants.get(info.id);
    if (!existing) return void add(info.id, info, initiator);
    // Their socket came back (same id): keep the connection, refresh what they may have missed.
    existing.info = info;
    existing.away = false;
    clearTimeout(awayTimers.get(info.id));
    awayTimers.delete(info.id);
    existing.link.resync();
    events.emit('participant-updated', existing);
  }

  function add(id: string, info: PeerInfo | null, initiator: boolean, announce = true): RemoteParticipant {
    const link = createPeerLink({
      selfId: selfId!,
      peerId: id,
      iceServers,
      initiator,
      local,
      send: (data) => signal.send({ action: 'signal', to: id, data }),
      peerCount: participants.size + 1,
    });
    const participant: RemoteParticipant = { id, info, link, away: false };
    participants.set(id, participant);
    const changed = (): void => events.emit('participant-updated', participant);
    link.on('health', (health) => {
      // Someone whose socket dropped and whose media stopped too has gone (closed the tab, lost the network).
      if (participant.away && health !== 'connected') return remove(id);
      // The path broke: maybe our network changed, and then our socket may be dead without knowing it. The
      // repair (an ICE restart) needs signalling, so find out now rather than at the next heartbeat.
      if (health === 'reconnecting' || health === 'failed') signal.check();
      changed();
    });
    // Their side started over with a new connection (they lost ours): follow with a fresh one.
    link.on('replaced', (data) => {
      if (participants.get(id) !== participant) return;
      link.close();
      participants.delete(id);
      // With their offer in hand we answer; if ours met a stranger's answer, or ours stalled, we offer from scratch.
      const fresh = add(id, participant.info, data === null, false).link;
      if (data) fresh.receive(data);
      const candidates = link.pendingCandidates;
      if (candidates.length) fresh.receive({ candidates });
    });
    link.on('media', changed);
    link.on('state', changed);
    updatePeerCounts();
    events.emit(announce ? 'participant-joined' : 'participant-updated', participant);
    return participant;
  }

  /** Keeps the participant (and the media) for a grace period: a dropped socket is often back in seconds. */
  function markAway(id: string): void {
    const participant = participants.get(id);
    if (!participant || participant.away) return;
    if (participant.link.health !== 'connected') return remove(id);
    participant.away = true;
    awayTimers.set(id, setTimeout(() => remove(id), AWAY_GRACE_MS));
    events.emit('participant-updated', participant);
  }

  function remove(id: string, seat = participants.get(id)?.info?.joinedAt ?? -Infinity): void {
    clearTimeout(awayTimers.get(id));
    awayTimers.delete(id);
    departed.set(id, seat);
    const participant = participants.get(id);
    if (!participant) return;
    participants.delete(id);
    participant.link.close();
    updatePeerCounts();
    events.emit('participant-left', participant);
  }

  function updatePeerCounts(): void {
    for (const link of links()) link.setPeerCount(participants.size);
  }

  function addChat(message: ChatMessage): boolean {
    if (chatIds.has(message.id)) return false;
    chatIds.add(message.id);
    chat.push(message);
    if (chat.length > 1 && chat.at(-2)!.at > message.at) chat.sort((a, b) => a.at - b.at);
    return true;
  }

  for (const type of ['status', 'error', 'failed'] as const) signal.on(type, (payload) => events.emit(type, payload as never));
  signal.on('status', (status) => {
    if (status === 'connected') return;
    down = true;
    outbox.offline();
  });
  signal.on('error', ({ action }) => action === 'chat' && outbox.refused());
  signal.on('joined', ({ message: { self, meeting, peers, chat: history }, resumed }) => {
    // A new identity (every link was made for the old one: start over), or back with ours: someone not
    // listed left while our socket was down, or only their socket is down (as ours was) and their media
    // still flows: they are treated as away, and go once their media stops or the grace runs out.
    const gone = selfId !== null && selfId !== self.id;
    selfId = self.id;
    const present = new Set(peers.map((info) => info.id));
    for (const id of [...participants.keys()]) {
      if (gone) remove(id);
      else if (resumed && !present.has(id)) markAway(id);
    }
    // A new identity starts over: the seats we just dropped are listed again as they are, to be met anew.
    if (gone) departed.clear();
    for (const info of peers) onPeerJoined(info, true);
    history.forEach(addChat);
    if (down) outbox.online(new Set(history.flatMap((m) => (m.ref ? [m.ref] : []))));
    down = false;
    events.emit('joined', { self, meeting });
  });
  signal.on('peer-joined', (info) => onPeerJoined(info));
  // A message of ours was lost on the way (a throttled invocation, most likely): an offer or our media state
  // may be among them, and nothing else would send them again. At most every few seconds, so that a burst
  // of throttling is not answered with a burst of messages.
  let lastResync = 0;
  signal.on('lost', () => {
    if (Date.now() - lastResync < LOST_RESYNC_GAP_MS) return;
    lastResync = Date.now();
    for (const link of links()) link.resync();
  });
  signal.on('peer-left', ({ id, reason, joinedAt }) => {
    // The departure of an older seat, overtaken by the peer-joined of the one they came back with: stale.
    if (joinedAt !== undefined && joinedAt < (participants.get(id)?.info?.joinedAt ?? -Infinity)) return;
    if (reason === 'disconnected') markAway(id);
    else remove(id, joinedAt);
  });
  signal.on('signal', ({ from, data }) => {
    if (from === selfId || departed.has(from) || selfId === null) return;
    (participants.get(from) ?? add(from, null, false)).link.receive(data);
  });
  signal.on('chat', (message) => {
    if (message.mine) outbox.answered(message.ref);
    if (addChat(message)) events.emit('chat', message);
  });

  return {
    chat,
    on: events.on,

    join: () => signal.connect(),

    leave() {
      if (left) return;
      left = true;
      signal.leave();
      for (const link of links()) link.close();
      for (const timer of awayTimers.values()) clearTimeout(timer);
      outbox.close();
      participants.clear();
      events.clear();
    },

    setTrack(slot, track) {
      tracks[slot] = track;
      const next = { ...state };
      if (slot === 'mic') next.audio = !!track?.enabled;
      else if (slot === 'camera') next.video = !!track;
      else next.screen = track && streams.screen.id;
      updateState(next);
      for (const link of links()) void link.setTrack(slot, track);
    },

    setAudioEnabled(enabled) {
      const mic = tracks.mic;
      if (mic) mic.enabled = enabled;
      updateState({ ...state, audio: enabled && !!mic });
    },

    sendChat(text) {
      const trimmed = text.trim();
      if (!trimmed) return 'Type a message first.';
      if (trimmed.length > MAX_CHAT_LENGTH) return `A message has at most ${MAX_CHAT_LENGTH} characters.`;
      outbox.add(trimmed);
      return null;
    },

    audioLevels: () => new Map([...participants].map(([id, { link }]) => [id, link.audioLevel()])),
  };
}
