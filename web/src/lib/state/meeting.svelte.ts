// One meeting as the UI sees it, from the pre-join screen to leaving: wraps a Room (made on "Join
// now") and the user's devices, and turns their events into reactive state: participants, chat with
// an unread count, who is speaking, the connection status, and notices for joins, leaves and errors.
import { getContext, setContext } from 'svelte';
import type { ChatMessage, IceServer } from '$protocol';
import { ApiError } from '$lib/api/ApiError.js';
import { Room, type RemoteParticipant } from '$lib/rtc/Room.js';
import { SignalClient, type SignalStatus } from '$lib/rtc/SignalClient.js';
import { ActiveSpeakerDetector } from './active-speaker.js';
import type { AppServices } from './app.svelte.js';
import type { DevicesState } from './devices.svelte.js';
import { ParticipantView } from './participant.svelte.js';
import type { SessionState } from './session.svelte.js';
import type { ToastsState } from './toasts.svelte.js';

export type MeetingPhase = 'loading' | 'not-found' | 'prejoin' | 'joining' | 'in-room' | 'left' | 'failed';
export type SidePanel = 'chat' | 'people' | null;

export interface MeetingDeps {
  app: AppServices;
  session: SessionState;
  devices: DevicesState;
  toasts: ToastsState;
  /** Called when a new meeting gets its code on "Join now" (to show its URL). */
  onCode?: (code: string) => void;
}

const SPEAKER_SAMPLE_MS = 250;

export class MeetingState {
  readonly #deps: MeetingDeps;
  #code = $state.raw<string | null>(null);
  #title = $state.raw('');
  #phase = $state.raw<MeetingPhase>('loading');
  #problem = $state.raw('');
  #joinError = $state.raw('');
  #self = $state.raw<{ id: string; name: string } | null>(null);
  #participants = $state.raw<ParticipantView[]>([]);
  #chat = $state.raw<readonly ChatMessage[]>([]);
  #unread = $state.raw(0);
  #panel = $state.raw<SidePanel>(null);
  #status = $state.raw<SignalStatus>('idle');
  #activeSpeaker = $state.raw<string | null>(null);
  #selfSpeaking = $state.raw(false);
  #screen = $state.raw<MediaStreamTrack | null>(null);

  #room: Room | null = null;
  #views = new Map<string, ParticipantView>();
  #announced = new Set<string>();
  #iceServers: Promise<IceServer[]> | null = null;
  #detector = new ActiveSpeakerDetector();
  #speakerTimer: ReturnType<typeof setInterval> | null = null;

  constructor(code: string | null, deps: MeetingDeps) {
    this.#code = code;
    this.#deps = deps;
  }

  get code(): string | null {
    return this.#code;
  }
  get title(): string {
    return this.#title;
  }
  get phase(): MeetingPhase {
    return this.#phase;
  }
  /** Why the meeting could not be joined or went away (not-found / failed). */
  get problem(): string {
    return this.#problem;
  }
  /** Why the last "Join now" did not work; the pre-join screen shows it. */
  get joinError(): string {
    return this.#joinError;
  }
  get self(): { id: string; name: string } | null {
    return this.#self;
  }
  get participants(): readonly ParticipantView[] {
    return this.#participants;
  }
  get chat(): readonly ChatMessage[] {
    return this.#chat;
  }
  get unread(): number {
    return this.#unread;
  }
  get panel(): SidePanel {
    return this.#panel;
  }
  get status(): SignalStatus {
    return this.#status;
  }
  get activeSpeaker(): string | null {
    return this.#activeSpeaker;
  }
  get selfSpeaking(): boolean {
    return this.#selfSpeaking;
  }
  get screenTrack(): MediaStreamTrack | null {
    return this.#screen;
  }
  get sharing(): boolean {
    return this.#screen !== null;
  }
  get devices(): DevicesState {
    return this.#deps.devices;
  }

  /** Before pre-join: checks the meeting exists (when we can ask) and fetches ICE servers early. */
  async load(): Promise<void> {
    const token = this.#deps.session.tokenValid() ? this.#deps.session.token : null;
    if (!this.#code || !token) {
      this.#phase = 'prejoin';
      return;
    }
    try {
      const meeting = await this.#deps.app.api.getMeeting(token, this.#code);
      this.#title = meeting.title;
      this.#prefetchIceServers(token);
      this.#phase = 'prejoin';
    } catch (error) {
      if (error instanceof ApiError && error.code === 'meeting-not-found') return this.#fail('not-found', error.message);
      if (error instanceof ApiError && error.code === 'unauthorized') this.#deps.session.signOut();
      this.#phase = 'prejoin'; // joining will tell for sure
    }
  }

  async join(): Promise<void> {
    if (this.#phase === 'joining' || this.#phase === 'in-room') return;
    const { app, session, devices } = this.#deps;
    this.#joinError = '';
    this.#phase = 'joining';
    try {
      const token = await session.ensureToken();
      if (!this.#code) {
        const meeting = await app.api.createMeeting(token);
        this.#code = meeting.code;
        this.#title = meeting.title;
        this.#deps.onCode?.(meeting.code);
      }
      const iceServers = await (this.#iceServers ?? this.#prefetchIceServers(token));
      await devices.start(); // the pre-join screen started it; this waits for the tracks
      this.#connect(this.#code, token, iceServers);
    } catch (error) {
      this.#phase = 'prejoin';
      this.#joinError = error instanceof Error ? error.message : 'Could not join. Try again.';
    }
  }

  async toggleMic(): Promise<void> {
    const { devices } = this.#deps;
    const before = devices.micTrack;
    const error = await devices.setMicOn(!devices.micOn);
    if (error) this.#deps.toasts.error(error.message);
    if (devices.micTrack !== before) this.#room?.setTrack('mic', devices.micTrack);
    this.#room?.setAudioEnabled(devices.micOn);
  }

  async toggleCamera(): Promise<void> {
    const { devices } = this.#deps;
    const error = await devices.setCameraOn(!devices.cameraOn);
    if (error) this.#deps.toasts.error(error.message);
    this.#room?.setTrack('camera', devices.cameraTrack);
  }

  async toggleScreen(): Promise<void> {
    if (this.#screen) return this.#stopScreen();
    const result = await this.#deps.devices.manager.openScreen();
    if (!result.ok) {
      if (result.error.reason !== 'cancelled') this.#deps.toasts.error(result.error.message);
      return;
    }
    const track = result.value;
    // The browser's own "Stop sharing" button ends the track without going through us.
    track.addEventListener('ended', () => {
      if (this.#screen === track) this.#stopScreen();
    });
    this.#screen = track;
    this.#room?.setTrack('screen', track);
  }

  /** Switches microphone during the call: the new track replaces the old one on every link. */
  async selectMicrophone(deviceId: string): Promise<void> {
    const track = await this.#deps.devices.selectMicrophone(deviceId);
    this.#room?.setTrack('mic', track);
  }

  async selectCamera(deviceId: string): Promise<void> {
    const track = await this.#deps.devices.selectCamera(deviceId);
    if (this.#deps.devices.cameraOn) this.#room?.setTrack('camera', track);
  }

  /** Returns an error to show, or null when sent. */
  sendChat(text: string): string | null {
    if (!this.#room) return 'You are not in the meeting yet.';
    return this.#room.sendChat(text);
  }

  togglePanel(panel: Exclude<SidePanel, null>): void {
    this.#panel = this.#panel === panel ? null : panel;
    if (this.#panel === 'chat') this.#unread = 0;
  }

  closePanel(): void {
    this.#panel = null;
  }

  leave(): void {
    if (this.#phase !== 'in-room' && this.#phase !== 'joining') return;
    this.#teardown();
    this.#phase = 'left';
  }

  /** Back in after leaving: a fresh join (a new peer id) with the devices opened again. */
  async rejoin(): Promise<void> {
    this.#phase = 'prejoin';
    await this.#deps.devices.start();
    await this.join();
  }

  /** The page is going away: leave without changing what is shown. */
  destroy(): void {
    this.#teardown();
    this.#deps.devices.stop();
  }

  #connect(code: string, token: string, iceServers: IceServer[]): void {
    const { app, session, devices } = this.#deps;
    const signal = new SignalClient({
      url: app.config.wsUrl,
      meeting: code,
      token: () => session.token ?? token,
      tokenValid: () => session.tokenValid(),
    });
    const room = new Room(signal, { iceServers: iceServers as RTCIceServer[] });
    this.#room = room;
    room.on('status', (status) => (this.#status = status));
    room.on('joined', ({ self, meeting }) => {
      this.#self = self;
      this.#title = meeting.title;
      if (this.#phase === 'joining') {
        this.#phase = 'in-room';
        this.#startSpeakerDetection();
        addEventListener('pagehide', this.#onPageHide);
      }
    });
    room.on('participant-joined', (participant) => {
      const view = new ParticipantView(participant);
      this.#views.set(participant.id, view);
      this.#participants = [...this.#views.values()];
      this.#announce(participant);
    });
    room.on('participant-updated', (participant) => {
      this.#views.get(participant.id)?.update(participant);
      this.#announce(participant);
    });
    room.on('participant-left', ({ participant }) => {
      const view = this.#views.get(participant.id);
      this.#views.delete(participant.id);
      this.#announced.delete(participant.id);
      this.#participants = [...this.#views.values()];
      if (view && this.#phase === 'in-room') this.#deps.toasts.show(`${view.name} left`);
    });
    room.on('chat-history', (chat) => (this.#chat = [...chat]));
    room.on('chat', (message) => {
      this.#chat = [...room.chat];
      if (message.from !== this.#self?.id && this.#panel !== 'chat') {
        this.#unread++;
        this.#deps.toasts.show(`${message.name}: ${message.text.length > 80 ? message.text.slice(0, 80) + '…' : message.text}`);
      }
    });
    room.on('error', (error) => {
      // A signal to someone who just left is expected during churn; anything else is worth a word.
      if (error.code !== 'peer-not-found') this.#deps.toasts.error(error.message);
    });
    room.on('failed', (failure) => {
      this.#teardown();
      this.#fail(failure.reason === 'meeting-not-found' ? 'not-found' : 'failed', failure.message);
    });
    room.setTrack('mic', devices.micTrack);
    room.setTrack('camera', devices.cameraOn ? devices.cameraTrack : null);
    if (this.#screen) room.setTrack('screen', this.#screen);
    room.join();
  }

  /** "X joined", once per person, as soon as we know their name. */
  #announce(participant: RemoteParticipant): void {
    if (!participant.info || this.#announced.has(participant.id)) return;
    this.#announced.add(participant.id);
    if (this.#phase === 'in-room') this.#deps.toasts.show(`${participant.info.name} joined`);
  }

  #startSpeakerDetection(): void {
    this.#speakerTimer = setInterval(() => {
      const room = this.#room;
      if (!room || !this.#self) return;
      const levels = room.audioLevels();
      levels.set(this.#self.id, this.#deps.devices.micOn ? this.#deps.devices.level : 0);
      const active = this.#detector.update(levels);
      if (this.#activeSpeaker !== active) this.#activeSpeaker = active;
      for (const view of this.#participants) view.speaking = this.#detector.isSpeaking(view.id);
      const selfSpeaking = this.#detector.isSpeaking(this.#self.id);
      if (this.#selfSpeaking !== selfSpeaking) this.#selfSpeaking = selfSpeaking;
    }, SPEAKER_SAMPLE_MS);
  }

  #prefetchIceServers(token: string): Promise<IceServer[]> {
    // TURN credentials are short-lived, but outlive a pre-join screen by far.
    const fallback = this.#deps.app.config.iceServers;
    this.#iceServers = this.#deps.app.api.iceServers(token).catch(() => fallback);
    return this.#iceServers;
  }

  #stopScreen(): void {
    const track = this.#screen;
    this.#screen = null;
    track?.stop();
    this.#room?.setTrack('screen', null);
  }

  #teardown(): void {
    removeEventListener('pagehide', this.#onPageHide);
    if (this.#speakerTimer) clearInterval(this.#speakerTimer);
    this.#speakerTimer = null;
    this.#screen?.stop();
    this.#screen = null;
    this.#room?.leave();
    this.#room = null;
    this.#views.clear();
    this.#announced.clear();
    this.#participants = [];
    this.#unread = 0;
    this.#panel = null;
    this.#status = 'idle';
    this.#activeSpeaker = null;
    this.#iceServers = null;
    this.#deps.devices.stop();
  }

  #fail(phase: 'not-found' | 'failed', message: string): void {
    this.#phase = phase;
    this.#problem = message;
  }

  // Tell the others right away when the tab closes or reloads, instead of when the socket times out.
  #onPageHide = (): void => this.#room?.leave();
}

const KEY = Symbol('meeting');
export function setMeeting(meeting: MeetingState): MeetingState {
  return setContext(KEY, meeting);
}
export function useMeeting(): MeetingState {
  return getContext<MeetingState>(KEY);
}
