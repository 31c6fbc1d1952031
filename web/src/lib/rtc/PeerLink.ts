// PeerLink: one RTCPeerConnection to one other participant. Negotiates with "perfect negotiation"
// (MDN/W3C: the polite side, chosen by comparing peer ids, rolls back on glare), trickles ICE in small
// batches, holds early candidates until their description is set, undoes reordering of descriptions
// (see DescriptionSequencer), restarts ICE when the path fails or stays disconnected, and re-sends an
// offer that got no answer (a message lost while a socket was down). It knows nothing of sockets:
// it hands outgoing signal data to `send` and takes incoming data through `receive`.
import * as v from 'valibot';
import { Emitter } from './Emitter.js';
import { CandidateBatcher } from './CandidateBatcher.js';
import { DescriptionSequencer } from './DescriptionSequencer.js';
import { INITIAL_MEDIA_STATE, PeerSignal, mediaStateToWire, readMediaState, type PeerMediaState } from './peer-signal.js';
import { audioLimit, cameraLimit, screenLimit, type SendLimit } from './send-limits.js';

/** What we send: our microphone, our camera, our screen. */
export type MediaSlot = 'mic' | 'camera' | 'screen';
export const MEDIA_SLOTS: readonly MediaSlot[] = ['mic', 'camera', 'screen'];

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
   * The peer's side is a new RTCPeerConnection (its DTLS fingerprint changed): this one can never talk to
   * it again. Carries the signal that showed it when it was an offer, for a fresh link to answer.
   */
  replaced: Record<string, unknown> | null;
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

const ATTACH_FALLBACK_MS = 3000;
const OFFER_RESEND_MS = 4000;
const MAX_OFFER_RESENDS = 5;
const CONNECT_TIMEOUT_MS = 15_000;
const MIN_RESTART_GAP_MS = 4000;

export class PeerLink extends Emitter<PeerLinkEvents> {
  readonly peerId: string;
  readonly #pc: RTCPeerConnection;
  readonly #polite: boolean;
  readonly #local: LocalMedia;
  readonly #send: (data: PeerSignal) => void;
  readonly #candidates: CandidateBatcher;
  readonly #descriptions: DescriptionSequencer<RTCSessionDescriptionInit>;
  #peerCount: number;

  // Perfect negotiation.
  #makingOffer = false;
  #ignoreOffer = false;
  #answerPending = false;
  #applying: Promise<void> = Promise.resolve();
  #sentSeq = 0;

  #attached = false;
  #senders = new Map<MediaSlot, RTCRtpSender>();
  #earlyCandidates: RTCIceCandidateInit[] = [];
  #received = new Map<RTCRtpTransceiver, { track: MediaStreamTrack; streamId: string | null }>();
  #remoteState: PeerMediaState = INITIAL_MEDIA_STATE;
  #media: RemoteMedia = { audio: null, camera: null, screen: null };
  #audioReceiver: RTCRtpReceiver | null = null;
  #health: LinkHealth = 'connecting';

  #timers = new Set<ReturnType<typeof setTimeout>>();
  #disconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #offerTimer: ReturnType<typeof setTimeout> | null = null;
  #offerResends = 0;
  #lastRestart = 0;
  #restarts = 0;
  #closed = false;

  constructor(options: PeerLinkOptions) {
    super();
    this.peerId = options.peerId;
    this.#polite = options.selfId < options.peerId;
    this.#local = options.local;
    this.#send = options.send;
    this.#peerCount = options.peerCount;
    this.#pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle' });
    this.#candidates = new CandidateBatcher((candidates) => this.#send({ candidates }));
    this.#descriptions = new DescriptionSequencer((description) => {
      this.#applying = this.#applying.then(() => this.#applyDescription(description)).catch((error) => this.#recover(error));
    });

    const pc = this.#pc;
    pc.onnegotiationneeded = () => void this.#negotiate();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate?.candidate) this.#candidates.add(candidate.toJSON());
    };
    pc.ontrack = ({ track, streams, transceiver }) => {
      this.#received.set(transceiver, { track, streamId: streams[0]?.id ?? null });
      streams[0]?.addEventListener('removetrack', () => this.#updateMedia());
      this.#updateMedia();
    };
    pc.onconnectionstatechange = () => this.#onConnectionState();
    pc.onsignalingstatechange = () => this.#onSignalingState();

    if (options.initiator) this.#attach();
    else this.#later(ATTACH_FALLBACK_MS, () => this.#attach());
    this.#later(CONNECT_TIMEOUT_MS, () => {
      if (this.#pc.connectionState !== 'connected') this.#restartIce();
    });
    this.sendState();
  }

  get health(): LinkHealth {
    return this.#health;
  }
  get media(): RemoteMedia {
    return this.#media;
  }
  get remoteState(): PeerMediaState {
    return this.#remoteState;
  }

  /** Signal data from this peer, as relayed by the server (validated here: peers are not trusted). */
  receive(data: Record<string, unknown>): void {
    if (this.#closed) return;
    const parsed = v.safeParse(PeerSignal, data);
    if (!parsed.success) return;
    const { state, candidates, description, seq } = parsed.output;
    if (description?.sdp && this.#fromAnotherConnection(description.sdp)) {
      this.emit('replaced', description.type === 'offer' ? data : null);
      return;
    }
    if (state) this.#applyRemoteState(readMediaState(state));
    for (const candidate of candidates ?? []) this.#addCandidate(candidate);
    if (description?.type === 'offer' || description?.type === 'answer') {
      this.#descriptions.push(seq, description as RTCSessionDescriptionInit);
    }
  }

  /** Sends what we send (or stop sending) in one slot; only a screen share needs renegotiation. */
  async setTrack(slot: MediaSlot, track: MediaStreamTrack | null): Promise<void> {
    if (this.#closed || !this.#attached) return; // #attach picks up the current tracks later
    const sender = this.#senders.get(slot);
    const transceiver = sender && this.#pc.getTransceivers().find((t) => t.sender === sender);
    if (!sender || !transceiver || transceiver.currentDirection === 'stopped') {
      this.#senders.delete(slot);
      if (track) this.#addSender(slot, track);
      return;
    }
    await sender.replaceTrack(track).catch((error) => console.warn('[meshmeet] replaceTrack failed', error));
    const sends = transceiver.direction === 'sendrecv' || transceiver.direction === 'sendonly';
    const receives = transceiver.direction === 'sendrecv' || transceiver.direction === 'recvonly';
    if (track && !sends) {
      sender.setStreams(this.#local.stream(slot));
      transceiver.direction = receives ? 'sendrecv' : 'sendonly';
    } else if (!track && sends && slot === 'screen') {
      // Stopping a share renegotiates so the other side drops the screen tile at once.
      transceiver.direction = receives ? 'recvonly' : 'inactive';
    }
  }

  /** Tells the peer our mic/camera/screen state. */
  sendState(): void {
    if (!this.#closed) this.#send({ state: mediaStateToWire(this.#local.state()) });
  }

  setPeerCount(count: number): void {
    this.#peerCount = count;
    void this.#applySendLimits();
  }

  /**
   * After a socket came back (ours or theirs): messages may have been lost while it was down, so
   * re-send what the peer may have missed and repair the path if it broke meanwhile.
   */
  resync(): void {
    if (this.#closed) return;
    this.sendState();
    if (this.#pc.signalingState === 'have-local-offer') this.#resendOffer();
    if (this.#pc.connectionState === 'failed' || this.#pc.connectionState === 'disconnected') this.#restartIce();
  }

  /** Candidates still waiting for a description that matches them (handed on when the link is replaced). */
  get pendingCandidates(): RTCIceCandidateInit[] {
    return [...this.#earlyCandidates];
  }

  /** Loudness of the peer's audio, 0..1, from the receiver's latest packets. */
  audioLevel(): number {
    return this.#audioReceiver?.getSynchronizationSources()[0]?.audioLevel ?? 0;
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#candidates.dispose();
    this.#descriptions.dispose();
    this.#pc.close();
    this.#setHealth('closed');
    this.removeAllListeners();
  }

  // ---- negotiation ----

  #fromAnotherConnection(sdp: string): boolean {
    const current = this.#pc.remoteDescription?.sdp;
    return Boolean(current) && fingerprint(current!) !== fingerprint(sdp);
  }

  async #negotiate(): Promise<void> {
    const pc = this.#pc;
    if (this.#closed || pc.signalingState !== 'stable') return;
    try {
      this.#makingOffer = true;
      await pc.setLocalDescription();
      if (pc.localDescription?.type === 'offer') this.#sendDescription();
    } catch (error) {
      console.warn('[meshmeet] could not make an offer', error);
    } finally {
      this.#makingOffer = false;
    }
  }

  async #applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pc = this.#pc;
    if (this.#closed) return;
    const readyForOffer = !this.#makingOffer && (pc.signalingState === 'stable' || this.#answerPending);
    const offerCollision = description.type === 'offer' && !readyForOffer;
    this.#ignoreOffer = !this.#polite && offerCollision;
    if (this.#ignoreOffer) return;
    // An answer we no longer wait for: a duplicate, after an offer we re-sent.
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    this.#answerPending = description.type === 'answer';
    try {
      await pc.setRemoteDescription(description); // on glare the polite side rolls back implicitly
    } finally {
      this.#answerPending = false;
    }
    this.#flushEarlyCandidates();
    this.#updateMedia();
    if (description.type === 'offer') {
      // Attach before answering: our tracks take the offered m-lines and one round trip suffices.
      this.#attach();
      await pc.setLocalDescription();
      this.#sendDescription();
    }
  }

  #sendDescription(): void {
    const local = this.#pc.localDescription;
    if (!local || this.#closed) return;
    this.#send({
      description: { type: local.type, sdp: local.sdp },
      seq: ++this.#sentSeq,
      state: mediaStateToWire(this.#local.state()),
    });
  }

  /** An offer still unanswered after a while was probably lost: send it again (with a new number). */
  #resendOffer(): void {
    if (this.#pc.signalingState !== 'have-local-offer' || this.#offerResends >= MAX_OFFER_RESENDS) return;
    this.#offerResends++;
    this.#sendDescription();
  }

  #onSignalingState(): void {
    const state = this.#pc.signalingState;
    if (this.#offerTimer) this.#clearTimer(this.#offerTimer);
    this.#offerTimer = null;
    if (state === 'have-local-offer') {
      const retry = (): void => {
        this.#resendOffer();
        if (this.#offerResends < MAX_OFFER_RESENDS) this.#offerTimer = this.#later(OFFER_RESEND_MS, retry);
      };
      this.#offerTimer = this.#later(OFFER_RESEND_MS, retry);
    } else if (state === 'stable') {
      this.#offerResends = 0;
      this.#updateMedia();
      void this.#applySendLimits();
    }
  }

  /** A description failed to apply: get back to a clean state and renegotiate from scratch. */
  async #recover(error: unknown): Promise<void> {
    if (this.#closed) return;
    console.warn('[meshmeet] negotiation error, recovering', error);
    try {
      if (this.#pc.signalingState === 'have-local-offer') await this.#pc.setLocalDescription({ type: 'rollback' });
    } catch {
      // Nothing to roll back.
    }
    if (this.#pc.connectionState === 'connected') await this.#negotiate();
    else this.#restartIce();
  }

  #attach(): void {
    if (this.#attached || this.#closed) return;
    this.#attached = true;
    for (const slot of MEDIA_SLOTS) {
      const track = this.#local.track(slot);
      if (track) this.#addSender(slot, track);
    }
    // Without a mic or camera we still want to receive: make sure the offer has both m-lines.
    const kinds = new Set(this.#pc.getTransceivers().map((t) => t.receiver.track.kind));
    for (const kind of ['audio', 'video'] as const) {
      if (!kinds.has(kind)) this.#pc.addTransceiver(kind, { direction: 'recvonly' });
    }
  }

  #addSender(slot: MediaSlot, track: MediaStreamTrack): void {
    try {
      this.#senders.set(slot, this.#pc.addTrack(track, this.#local.stream(slot)));
    } catch (error) {
      console.warn('[meshmeet] addTrack failed', error);
    }
  }

  async #applySendLimits(): Promise<void> {
    const limits: Record<MediaSlot, SendLimit> = {
      mic: audioLimit(this.#peerCount),
      camera: cameraLimit(this.#peerCount),
      screen: screenLimit(this.#peerCount),
    };
    for (const [slot, sender] of this.#senders) {
      const params = sender.getParameters();
      const encoding = params.encodings?.[0];
      if (!encoding) continue;
      const limit = limits[slot];
      encoding.maxBitrate = limit.maxBitrate;
      if (limit.scaleResolutionDownBy) encoding.scaleResolutionDownBy = limit.scaleResolutionDownBy;
      if (limit.maxFramerate) encoding.maxFramerate = limit.maxFramerate;
      if (slot === 'screen') (params as { degradationPreference?: string }).degradationPreference = 'maintain-resolution';
      await sender.setParameters(params).catch(() => {
        // A negotiation in flight can reject this; the next 'stable' applies it again.
      });
    }
  }

  // ---- ICE ----

  #addCandidate(candidate: RTCIceCandidateInit): void {
    if (!this.#matchesRemote(candidate)) {
      this.#earlyCandidates.push(candidate);
      if (this.#earlyCandidates.length > 100) this.#earlyCandidates.shift();
      return;
    }
    this.#pc.addIceCandidate(candidate).catch((error) => {
      if (!this.#ignoreOffer) console.warn('[meshmeet] addIceCandidate failed', error);
    });
  }

  /** A candidate is usable once its description is set: same ICE username fragment (restarts change it). */
  #matchesRemote(candidate: RTCIceCandidateInit): boolean {
    const sdp = this.#pc.remoteDescription?.sdp;
    if (!sdp) return false;
    if (!candidate.usernameFragment) return true;
    return sdp.includes(`a=ice-ufrag:${candidate.usernameFragment}\r\n`) || sdp.includes(`a=ice-ufrag:${candidate.usernameFragment}\n`);
  }

  #flushEarlyCandidates(): void {
    const waiting = this.#earlyCandidates;
    this.#earlyCandidates = [];
    for (const candidate of waiting) this.#addCandidate(candidate);
  }

  #onConnectionState(): void {
    const state = this.#pc.connectionState;
    if (this.#disconnectTimer) this.#clearTimer(this.#disconnectTimer);
    this.#disconnectTimer = null;
    // Both sides watch the path; the impolite one acts first so they rarely restart at once.
    const patience = this.#polite ? 1.6 : 1;
    switch (state) {
      case 'connected':
        this.#restarts = 0;
        this.#setHealth('connected');
        break;
      case 'disconnected':
        this.#setHealth('reconnecting');
        this.#disconnectTimer = this.#later(2500 * patience, () => this.#restartIce());
        break;
      case 'failed':
        this.#setHealth('failed');
        this.#disconnectTimer = this.#later(this.#polite ? 1500 : 0, () => this.#restartIce());
        break;
      case 'closed':
        this.#setHealth('closed');
        break;
      default:
        if (this.#health !== 'reconnecting' && this.#health !== 'failed') this.#setHealth('connecting');
    }
  }

  #restartIce(): void {
    if (this.#closed || this.#pc.connectionState === 'connected') return;
    const wait = Math.min(30_000, MIN_RESTART_GAP_MS * 2 ** this.#restarts);
    const since = performance.now() - this.#lastRestart;
    if (since < wait) {
      this.#disconnectTimer ??= this.#later(wait - since, () => {
        this.#disconnectTimer = null;
        this.#restartIce();
      });
      return;
    }
    this.#lastRestart = performance.now();
    this.#restarts++;
    this.#pc.restartIce(); // fires negotiationneeded: a new offer with fresh credentials
    this.#later(CONNECT_TIMEOUT_MS, () => this.#restartIce());
  }

  // ---- remote media ----

  #applyRemoteState(state: PeerMediaState): void {
    if (state.rev < this.#remoteState.rev) return; // an older state that arrived late
    this.#remoteState = state;
    this.emit('state', state);
    this.#updateMedia();
  }

  #updateMedia(): void {
    const media: RemoteMedia = { audio: null, camera: null, screen: null };
    let audioReceiver: RTCRtpReceiver | null = null;
    for (const transceiver of this.#pc.getTransceivers()) {
      const received = this.#received.get(transceiver);
      const direction = transceiver.currentDirection;
      if (!received || direction === 'sendonly' || direction === 'inactive' || direction === 'stopped') continue;
      if (received.track.kind === 'audio') {
        if (!media.audio) {
          media.audio = received.track;
          audioReceiver = transceiver.receiver;
        }
      } else if (received.streamId !== null && received.streamId === this.#remoteState.screen) {
        media.screen ??= received.track;
      } else {
        media.camera ??= received.track;
      }
    }
    this.#audioReceiver = audioReceiver;
    const old = this.#media;
    if (old.audio === media.audio && old.camera === media.camera && old.screen === media.screen) return;
    this.#media = media;
    this.emit('media', media);
  }

  #setHealth(health: LinkHealth): void {
    if (this.#health === health) return;
    this.#health = health;
    this.emit('health', health);
  }

  #later(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #clearTimer(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }
}

/** The DTLS certificate fingerprint an SDP announces: it identifies the RTCPeerConnection that wrote it. */
function fingerprint(sdp: string): string | undefined {
  return /a=fingerprint:(\S+ \S+)/.exec(sdp)?.[1];
}
