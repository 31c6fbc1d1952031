// PeerLink: one RTCPeerConnection to one other participant. Negotiates with "perfect negotiation"
// (MDN/W3C: the polite side, chosen by comparing peer ids, rolls back on glare), trickles ICE in small
// batches, holds early candidates until their description is set, undoes reordering of descriptions
// (see DescriptionSequencer), restarts ICE when the path fails or stays disconnected, and re-sends an
// offer that got no answer (a message lost while a socket was down). It knows nothing of sockets:
// it hands outgoing signal data to `send` and takes incoming data through `receive`.
import { createEmitter, type Emitter } from './Emitter.js';
import { createCandidateBatcher } from './CandidateBatcher.js';
import { createDescriptionSequencer } from './DescriptionSequencer.js';
import { INITIAL_MEDIA_STATE, readMediaState, type PeerMediaState, type PeerSignal } from './peer-signal.js';
import { sendLimit } from './send-limits.js';
import { createTimers, type Timer } from './timers.js';

/** What we send: our microphone, our camera, our screen. */
export type MediaSlot = 'mic' | 'camera' | 'screen';

/** The link's health as a participant would describe it. */
export type LinkHealth = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface RemoteMedia {
  audio: MediaStreamTrack | null;
  camera: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

/** The local side as every link sees it; owned by the Room. */
export interface LocalMedia {
  track(slot: MediaSlot): MediaStreamTrack | null;
  /** The stream a slot is sent in: its id tells the receiver a screen from a camera. */
  stream(slot: MediaSlot): MediaStream;
  state(): PeerMediaState;
}

export interface PeerLinkEvents {
  health: LinkHealth;
  media: RemoteMedia;
  state: PeerMediaState;
  /**
   * This RTCPeerConnection can never connect: the peer's side is a new one (its DTLS fingerprint changed;
   * carries the signal that showed it when it was an offer, for a fresh link to answer), or ours stalled
   * (null: a fresh link offers from scratch).
   */
  replaced: PeerSignal | null;
}

export interface PeerLinkOptions {
  selfId: string;
  peerId: string;
  iceServers: RTCIceServer[];
  /** The side that joined later offers first; the other attaches its media when the offer arrives. */
  initiator: boolean;
  local: LocalMedia;
  send: (data: PeerSignal) => void;
  /** How many peers we send to in total; sets the per-sender bitrate caps. */
  peerCount: number;
}

export interface PeerLink {
  readonly health: LinkHealth;
  readonly media: RemoteMedia;
  readonly remoteState: PeerMediaState;
  /** Candidates still waiting for a description that matches them (handed on when the link is replaced). */
  readonly pendingCandidates: RTCIceCandidateInit[];
  on: Emitter<PeerLinkEvents>['on'];
  /** Signal data from this peer, as relayed by the server (which validated its shape). */
  receive(data: PeerSignal): void;
  /** Sends what we send (or stop sending) in one slot; only a screen share needs renegotiation. */
  setTrack(slot: MediaSlot, track: MediaStreamTrack | null): Promise<void>;
  /** Tells the peer our mic/camera/screen state. */
  sendState(): void;
  setPeerCount(count: number): void;
  /**
   * After a socket came back (ours or theirs): messages may have been lost while it was down, so
   * re-send what the peer may have missed and repair the path if it broke meanwhile.
   */
  resync(): void;
  /** Loudness of the peer's audio, 0..1, from the receiver's latest packets. */
  audioLevel(): number;
  close(): void;
}

const ATTACH_FALLBACK_MS = 3000;
const OFFER_RESEND_MS = 4000;
const MAX_OFFER_RESENDS = 5;
const CONNECT_TIMEOUT_MS = 15_000;
const MIN_RESTART_GAP_MS = 4000;
/**
 * Negotiated, yet not one local ICE candidate this long after: the connection will never gather any. Seen
 * in Chrome on links whose first offer was rolled back (glare) before gathering began, under load; ICE
 * restarts do not revive them, a new RTCPeerConnection does.
 */
const GATHER_STALL_MS = 8000;

const warn = (what: string, error: unknown): void => console.warn(`[meshmeet] ${what}`, error);

export function createPeerLink(options: PeerLinkOptions): PeerLink {
  const { peerId, local, send } = options;
  const polite = options.selfId < peerId;
  const events = createEmitter<PeerLinkEvents>();
  const timers = createTimers();
  const pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
  const candidates = createCandidateBatcher((batch) => send({ candidates: batch }));
  const senders = new Map<MediaSlot, RTCRtpSender>();
  const received = new Map<RTCRtpTransceiver, { track: MediaStreamTrack; streamId: string | null }>();
  let peerCount = options.peerCount;

  // Perfect negotiation.
  let makingOffer = false;
  let ignoreOffer = false;
  let answerPending = false;
  let applying: Promise<void> = Promise.resolve();
  let sentSeq = 0;
  const descriptions = createDescriptionSequencer<RTCSessionDescriptionInit>((description) => {
    applying = applying.then(() => applyDescription(description)).catch(recover);
  });

  let attached = false;
  let earlyCandidates: RTCIceCandidateInit[] = [];
  let remoteState: PeerMediaState = INITIAL_MEDIA_STATE;
  let media: RemoteMedia = { audio: null, camera: null, screen: null };
  let audioReceiver: RTCRtpReceiver | null = null;
  let health: LinkHealth = 'connecting';

  let disconnectTimer: Timer | null = null;
  let stallTimer: Timer | null = null;
  let offerTimer: Timer | null = null;
  let lastRestart = 0;
  let restarts = 0;
  let closed = false;

  /** A timer that is cleared when the link closes. */
  const later = (ms: number, fn: () => void): Timer => timers.add(ms, () => closed || fn());

  // ---- negotiation ----

  async function negotiate(): Promise<void> {
    if (closed || pc.signalingState !== 'stable') return;
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      if (pc.localDescription?.type === 'offer') sendDescription();
    } catch (error) {
      warn('could not make an offer', error);
    } finally {
      makingOffer = false;
    }
  }

  async function applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (closed) return;
    const isOffer = description.type === 'offer';
    const readyForOffer = !makingOffer && (pc.signalingState === 'stable' || answerPending);
    ignoreOffer = !polite && isOffer && !readyForOffer;
    if (ignoreOffer) return;
    // An answer we no longer wait for: a duplicate, after an offer we re-sent.
    if (!isOffer && pc.signalingState !== 'have-local-offer') return;
    answerPending = !isOffer;
    try {
      await pc.setRemoteDescription(description); // on glare the polite side rolls back implicitly
    } finally {
      answerPending = false;
    }
    const waiting = earlyCandidates;
    earlyCandidates = [];
    waiting.forEach(addCandidate);
    updateMedia();
    if (isOffer) {
      // Attach before answering: our tracks take the offered m-lines and one round trip suffices.
      attach();
      await pc.setLocalDescription();
      sendDescription();
    }
  }

  function sendDescription(): void {
    const description = pc.localDescription;
    if (!description || closed) return;
    send({ description: { type: description.type, sdp: description.sdp }, seq: ++sentSeq, state: local.state() });
  }

  /**
   * While our offer goes unanswered it was probably lost (sent into a socket that was down): send it again
   * (with a new number) every few seconds, a few times. Started anew whenever the path or a socket comes
   * back: an offer that stays unanswered keeps the link from every later negotiation, ICE restarts included.
   */
  function awaitAnswer(): void {
    offerTimer = timers.clear(offerTimer);
    let resends = 0;
    const retry = (): void => {
      if (pc.signalingState !== 'have-local-offer') return;
      sendDescription();
      offerTimer = ++resends < MAX_OFFER_RESENDS ? later(OFFER_RESEND_MS, retry) : null;
    };
    offerTimer = later(OFFER_RESEND_MS, retry);
  }

  /** Sends our unanswered offer now, and again for a while. */
  function resendOffer(): void {
    if (pc.signalingState !== 'have-local-offer') return;
    sendDescription();
    awaitAnswer();
  }

  /** A description failed to apply: get back to a clean state and renegotiate from scratch. */
  async function recover(error: unknown): Promise<void> {
    if (closed) return;
    warn('negotiation error, recovering', error);
    if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
    if (pc.connectionState === 'connected') await negotiate();
    else restartIce();
  }

  function attach(): void {
    if (attached || closed) return;
    attached = true;
    for (const slot of ['mic', 'camera', 'screen'] as const) {
      const track = local.track(slot);
      if (track) addSender(slot, track);
    }
    // Without a mic or camera we still want to receive: make sure the offer has both m-lines.
    const kinds = pc.getTransceivers().map((t) => t.receiver.track.kind);
    for (const kind of ['audio', 'video']) {
      if (!kinds.includes(kind)) pc.addTransceiver(kind, { direction: 'recvonly' });
    }
  }

  function addSender(slot: MediaSlot, track: MediaStreamTrack): void {
    try {
      senders.set(slot, pc.addTrack(track, local.stream(slot)));
    } catch (error) {
      warn('addTrack failed', error);
    }
  }

  async function applySendLimits(): Promise<void> {
    for (const [slot, sender] of senders) {
      const params = sender.getParameters();
      const encoding = params.encodings?.[0];
      if (!encoding) continue;
      Object.assign(encoding, sendLimit(slot, peerCount));
      if (slot === 'screen') (params as { degradationPreference?: string }).degradationPreference = 'maintain-resolution';
      await sender.setParameters(params).catch(() => {
        // A negotiation in flight can reject this; the next 'stable' applies it again.
      });
    }
  }

  // ---- ICE ----

  function addCandidate(candidate: RTCIceCandidateInit): void {
    // A candidate is usable once its description is set: same ICE username fragment (restarts change it).
    const sdp = pc.remoteDescription?.sdp;
    const ufrag = candidate.usernameFragment;
    if (!sdp || (ufrag && !sdp.split(/\r?\n/).includes(`a=ice-ufrag:${ufrag}`))) {
      if (earlyCandidates.push(candidate) > 100) earlyCandidates.shift();
      return;
    }
    pc.addIceCandidate(candidate).catch((error) => {
      if (!ignoreOffer) warn('addIceCandidate failed', error);
    });
  }

  function restartIce(): void {
    if (closed || pc.connectionState === 'connected') return;
    const wait = Math.min(30_000, MIN_RESTART_GAP_MS * 2 ** restarts);
    const since = performance.now() - lastRestart;
    if (since < wait) {
      disconnectTimer ??= later(wait - since, () => {
        disconnectTimer = null;
        restartIce();
      });
      return;
    }
    lastRestart = performance.now();
    restarts++;
    // With an offer of ours unanswered no new one can be made: get that one answered first, unless that is
    // under way already (the restart follows once the link is stable again).
    if (!offerTimer) resendOffer();
    pc.restartIce(); // fires negotiationneeded: a new offer with fresh credentials
    later(CONNECT_TIMEOUT_MS, restartIce);
  }

  // ---- remote media ----

  function updateMedia(): void {
    const next: RemoteMedia = { audio: null, camera: null, screen: null };
    audioReceiver = null;
    for (const transceiver of pc.getTransceivers()) {
      const got = received.get(transceiver);
      const direction = transceiver.currentDirection;
      if (!got || direction === 'sendonly' || direction === 'inactive' || direction === 'stopped') continue;
      if (got.track.kind === 'audio') {
        if (!next.audio) {
          next.audio = got.track;
          audioReceiver = transceiver.receiver;
        }
      } else if (got.streamId !== null && got.streamId === remoteState.screen) {
        next.screen ??= got.track;
      } else {
        next.camera ??= got.track;
      }
    }
    if (media.audio === next.audio && media.camera === next.camera && media.screen === next.screen) return;
    events.emit('media', (media = next));
  }

  function setHealth(next: LinkHealth): void {
    if (health !== next) events.emit('health', (health = next));
  }

  // ---- the connection's events ----

  pc.onnegotiationneeded = () => void negotiate();
  let gathered = false;
  pc.onicecandidate = ({ candidate }) => {
    if (!candidate?.candidate) return;
    gathered = true;
    candidates.add(candidate.toJSON());
  };
  pc.ontrack = ({ track, streams: [stream], transceiver }) => {
    received.set(transceiver, { track, streamId: stream?.id ?? null });
    stream?.addEventListener('removetrack', updateMedia);
    updateMedia();
  };
  pc.onconnectionstatechange = () => {
    const state = pc.connectionState;
    disconnectTimer = timers.clear(disconnectTimer);
    // Both sides watch the path; the impolite one acts first so they rarely restart at once.
    if (state === 'connected') {
      restarts = 0;
      setHealth('connected');
    } else if (state === 'disconnected' || state === 'failed') {
      setHealth(state === 'failed' ? 'failed' : 'reconnecting');
      disconnectTimer = later(state === 'failed' ? (polite ? 1500 : 0) : polite ? 4000 : 2500, restartIce);
    } else if (state === 'closed') {
      setHealth('closed');
    } else if (health !== 'reconnecting' && health !== 'failed') {
      setHealth('connecting');
    }
  };
  pc.onsignalingstatechange = () => {
    const state = pc.signalingState;
    offerTimer = timers.clear(offerTimer);
    if (state === 'have-local-offer') {
      awaitAnswer();
    } else if (state === 'stable') {
      if (!gathered && !stallTimer) {
        stallTimer = later(GATHER_STALL_MS, () => !gathered && pc.connectionState === 'new' && events.emit('replaced', null));
      }
      updateMedia();
      void applySendLimits();
    }
  };

  const link: PeerLink = {
    get health() {
      return health;
    },
    get media() {
      return media;
    },
    get remoteState() {
      return remoteState;
    },
    get pendingCandidates() {
      return [...earlyCandidates];
    },
    on: events.on,

    receive(data) {
      if (closed) return;
      const { state, candidates: batch, description, seq } = data;
      const current = pc.remoteDescription?.sdp;
      if (description?.sdp && current && fingerprint(current) !== fingerprint(description.sdp)) {
        return events.emit('replaced', description.type === 'offer' ? data : null);
      }
      const next = state && readMediaState(state);
      if (next && next.rev >= remoteState.rev) {
        // (An older state that arrived late is dropped.)
        events.emit('state', (remoteState = next));
        updateMedia();
      }
      batch?.forEach(addCandidate);
      if (description?.type === 'offer' || description?.type === 'answer') {
        descriptions.push(seq, description as RTCSessionDescriptionInit);
      }
    },

    async setTrack(slot, track) {
      if (closed || !attached) return; // attach() picks up the current tracks later
      const sender = senders.get(slot);
      const transceiver = sender && pc.getTransceivers().find((t) => t.sender === sender);
      if (!transceiver || transceiver.currentDirection === 'stopped') {
        senders.delete(slot);
        if (track) addSender(slot, track);
        return;
      }
      await sender!.replaceTrack(track).catch((error) => warn('replaceTrack failed', error));
      const direction = transceiver.direction;
      const sends = direction === 'sendrecv' || direction === 'sendonly';
      const receives = direction === 'sendrecv' || direction === 'recvonly';
      if (track && !sends) {
        sender!.setStreams(local.stream(slot));
        transceiver.direction = receives ? 'sendrecv' : 'sendonly';
      } else if (!track && sends && slot === 'screen') {
        // Stopping a share renegotiates so the other side drops the screen tile at once.
        transceiver.direction = receives ? 'recvonly' : 'inactive';
      }
    },

    sendState() {
      if (!closed) send({ state: local.state() });
    },

    setPeerCount(count) {
      peerCount = count;
      void applySendLimits();
    },

    resync() {
      if (closed) return;
      link.sendState();
      resendOffer();
      if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') restartIce();
    },

    audioLevel() {
      return audioReceiver?.getSynchronizationSources()[0]?.audioLevel ?? 0;
    },

    close() {
      if (closed) return;
      closed = true;
      timers.clear();
      candidates.dispose();
      descriptions.dispose();
      pc.close();
      setHealth('closed');
      events.clear();
    },
  };

  if (options.initiator) attach();
  else later(ATTACH_FALLBACK_MS, attach);
  later(CONNECT_TIMEOUT_MS, restartIce);
  link.sendState();
  return link;
}

/** The DTLS certificate fingerprint an SDP announces: it identifies the RTCPeerConnection that wrote it. */
function fingerprint(sdp: string): string | undefined {
  return /a=fingerprint:(\S+ \S+)/.exec(sdp)?.[1];
}
