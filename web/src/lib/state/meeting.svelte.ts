// One meeting as the UI sees it, from the pre-join screen to leaving: wraps a Room (made on "Join
// now") and the user's devices, and turns their events into reactive state: participants, chat with
// an unread count, who is speaking, the connection status, and notices for joins, leaves and errors.
import { getContext, setContext } from 'svelte';
import type { ChatMessage, IceServer } from '$protocol';
import { MEETING_CODE_PATTERN } from '$protocol/limits.js';
import { ApiError } from '$lib/api/ApiError.js';
import { openScreen } from '$lib/rtc/DeviceManager.js';
import { createRoom, type RemoteParticipant, type Room } from '$lib/rtc/Room.js';
import { createSignalClient, type SignalStatus } from '$lib/rtc/SignalClient.js';
import { createActiveSpeakerDetector, type ActiveSpeakerDetector } from './active-speaker.js';
import type { AppServices } from './app.svelte.js';
import type { DevicesState } from './devices.svelte.js';
import { createParticipantView, type ParticipantView } from './participant.svelte.js';
import type { SessionState } from './session.svelte.js';
import type { ToastsState } from './toasts.svelte.js';

export type MeetingPhase = 'loading' | 'not-found' | 'prejoin' | 'joining' | 'in-room' | 'left' | 'failed';
export type SidePanel = 'chat' | 'people' | 'settings' | null;

export interface MeetingDeps {
  app: AppServices;
  session: SessionState;
  devices: DevicesState;
  toasts: ToastsState;
  /** Called when a new meeting gets its code on "Join now" (to show its URL). */
  onCode: (code: string) => void;
}

export interface MeetingState {
  readonly code: string | null;
  readonly title: string;
  readonly phase: MeetingPhase;
  /** Why the meeting could not be joined or went away (not-found / failed). */
  readonly problem: string;
  /** Why the last "Join now" did not work; the pre-join screen shows it. */
  readonly joinError: string;
  readonly self: { id: string; name: string } | null;
  readonly participants: readonly ParticipantView[];
  readonly chat: readonly ChatMessage[];
  /** Our messages on their way, shown after the chat as sending. */
  readonly sending: readonly string[];
  readonly unread: number;
  readonly panel: SidePanel;
  readonly status: SignalStatus;
  readonly activeSpeaker: string | null;
  readonly selfSpeaking: boolean;
  readonly screenTrack: MediaStreamTrack | null;
  readonly sharing: boolean;
  readonly devices: DevicesState;
  /** Before pre-join: checks the meeting exists (when we can ask) and fetches ICE servers early. */
  load(): Promise<void>;
  join(): Promise<void>;
  toggleMic(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreen(): Promise<void>;
  /** Switches microphone during the call: the new track replaces the old one on every link. */
  selectMicrophone(deviceId: string): Promise<void>;
  selectCamera(deviceId: string): Promise<void>;
  /** Returns an error to show, or null when sent. */
  sendChat(text: string): string | null;
  togglePanel(panel: Exclude<SidePanel, null>): void;
  closePanel(): void;
  leave(): void;
  /** Back in after leaving: a fresh join (a new peer id) with the devices opened again. */
  rejoin(): Promise<void>;
  /** The page is going away: leave without changing what is shown. */
  destroy(): void;
}

const SPEAKER_SAMPLE_MS = 250;
const TORN_DOWN = Symbol('torn down');

export function createMeeting(initialCode: string | null, deps: MeetingDeps): MeetingState {
  const { app, session, devices, toasts } = deps;
  let code = $state.raw(initialCode);
  let title = $state.raw('');
  let phase = $state.raw<MeetingPhase>('loading');
  let problem = $state.raw('');
  let joinError = $state.raw('');
  let self = $state.raw<{ id: string; name: string } | null>(null);
  let participants = $state.raw<ParticipantView[]>([]);
  let chat = $state.raw<readonly ChatMessage[]>([]);
  let sending = $state.raw<readonly string[]>([]);
  let unread = $state.raw(0);
  let panel = $state.raw<SidePanel>(null);
  let status = $state.raw<SignalStatus>('idle');
  let activeSpeaker = $state.raw<string | null>(null);
  let selfSpeaking = $state.raw(false);
  let screen = $state.raw<MediaStreamTrack | null>(null);

  let room: Room | null = null;
  const views = new Map<string, ParticipantView>();
  const announced = new Set<string>();
  let iceServers: Promise<IceServer[]> | null = null;
  let speakerTimer: ReturnType<typeof setInterval> | undefined;
  let pickingScreen = false;
  /** Counts teardowns: a load or join still waiting when the meeting was left or its screen went stops there. */
  let teardowns = 0;
  /** Notices of chat messages that came while the chat panel was closed (the newest few: older ones are gone). */
  const chatNotices: number[] = [];
  /** Whose meeting this was, to rejoin as the same person. */
  let joinedAs: string | undefined;
  /** Lets go of the sign-in the meeting joined with (see SessionState.hold). */
  let releaseSession = (): void => {};
  /**
   * Awaits `work` for a step that began at teardown count `since`; throws TORN_DOWN if one happened meanwhile,
   * whether the work succeeded or failed (a failure after the screen went must not be acted on either).
   */
  const stillHere = async <T>(since: number, work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } finally {
      // (Thrown from here it replaces the outcome, whether the work succeeded or failed.)
      if (teardowns !== since) throw TORN_DOWN;
    }
  };

  const toast = (error: { message: string } | null | false): void => {
    if (error) toasts.error(error.message);
  };

  function prefetchIceServers(token: string): Promise<IceServer[]> {
    // TURN credentials are short-lived, but outlive a pre-join screen by far.
    return (iceServers = app.api.iceServers(token).catch(() => app.config.iceServers));
  }

  /** `message` is shown on the 'failed' screen; 'not-found' has its own words. */
  function fail(next: 'not-found' | 'failed', message = ''): void {
    phase = next;
    problem = message;
  }

  function connect(meeting: string, token: string, servers: IceServer[]): void {
    const signal = createSignalClient({
      url: app.config.wsUrl,
      meeting,
      token: () => session.token ?? token,
      tokenValid: () => session.tokenValid(),
    });
    const current = (room = createRoom(signal, servers as RTCIceServer[]));
    const list = (): void => void (participants = [...views.values()]);
    /** "X joined", once per person, as soon as we know their name. */
    const announce = ({ id, info }: RemoteParticipant): void => {
      if (!info || announced.has(id)) return;
      announced.add(id);
      if (phase === 'in-room') toasts.show(`${info.name} joined`);
    };
    current.on('status', (next) => (status = next));
    current.on('sending', (texts) => (sending = texts)); // a fresh list each time (ChatOutbox.texts)
    current.on('joined', (joined) => {
      chat = [...current.chat]; // the history the server sent, and what came while our socket was down
      self = joined.self;
      title = joined.meeting.title;
      if (phase !== 'joining') return;
      phase = 'in-room';
      speakerTimer = setInterval(sampleSpeakers, SPEAKER_SAMPLE_MS, createActiveSpeakerDetector());
      addEventListener('pagehide', onPageHide);
    });
    current.on('participant-joined', (participant) => {
      views.set(participant.id, createParticipantView(participant));
      list();
      announce(participant);
    });
    current.on('participant-updated', (participant) => {
      views.get(participant.id)?.update(participant);
      announce(participant);
    });
    current.on('participant-left', ({ id }) => {
      const view = views.get(id);
      views.delete(id);
      announced.delete(id);
      list();
      if (view && phase === 'in-room') toasts.show(`${view.name} left`);
    });
    current.on('chat', ({ mine, name, text }) => {
      chat = [...current.chat];
      if (mine || panel === 'chat') return;
      unread++;
      // Cut by code point: a cut by UTF-16 unit can leave half an emoji.
      const chars = [...text];
      chatNotices.push(toasts.show(`${name}: ${chars.length > 80 ? chars.slice(0, 80).join('') + '…' : text}`));
      chatNotices.splice(0, chatNotices.length - 8);
    });
    // A signal to someone who just left is expected during churn; anything else is worth a word.
    current.on('error', (error) => error.code !== 'peer-not-found' && toast(error));
    current.on('failed', ({ reason, message }) => {
      teardown();
      fail(reason === 'meeting-not-found' ? 'not-found' : 'failed', message);
    });
    devices.onlost = (slot, track) => {
      current.setTrack(slot, slot === 'mic' || devices.cameraOn ? track : null);
      if (slot === 'mic') current.setAudioEnabled(devices.micOn);
      const device = slot === 'mic' ? 'microphone' : 'camera';
      if (track) toasts.show(`Your ${device} was disconnected. Now using the default ${device}.`);
      else toast(slot === 'mic' ? devices.micError : devices.cameraError);
    };
    current.setTrack('mic', devices.micTrack);
    current.setTrack('camera', devices.cameraOn ? devices.cameraTrack : null);
    if (screen) current.setTrack('screen', screen);
    current.join();
  }

  function sampleSpeakers(detector: ActiveSpeakerDetector): void {
    const me = self;
    if (!room || !me) return;
    const levels = room.audioLevels();
    levels.set(me.id, devices.micOn ? devices.level : 0);
    activeSpeaker = detector.update(levels);
    for (const view of participants) view.speaking = detector.isSpeaking(view.id);
    selfSpeaking = detector.isSpeaking(me.id);
  }

  function stopScreen(): void {
    screen?.stop();
    room?.setTrack('screen', (screen = null));
  }

  function teardown(): void {
    teardowns++;
    releaseSession();
    devices.onlost = null;
    removeEventListener('pagehide', onPageHide);
    clearInterval(speakerTimer);
    screen?.stop();
    screen = null;
    room?.leave();
    room = null;
    views.clear();
    announced.clear();
    participants = [];
    sending = []; // what had not gone out by now never will
    unread = 0;
    panel = null;
    status = 'idle';
    activeSpeaker = null;
    iceServers = null;
    devices.stop();
  }

  // Tell the others right away when the tab closes or reloads, instead of when the socket times out.
  const onPageHide = (): void => room?.leave();

  const meeting: MeetingState = {
    get code() {
      return code;
    },
    get title() {
      return title;
    },
    get phase() {
      return phase;
    },
    get problem() {
      return problem;
    },
    get joinError() {
      return joinError;
    },
    get self() {
      return self;
    },
    get participants() {
      return participants;
    },
    get chat() {
      return chat;
    },
    get sending() {
      return sending;
    },
    get unread() {
      return unread;
    },
    get panel() {
      return panel;
    },
    get status() {
      return status;
    },
    get activeSpeaker() {
      return activeSpeaker;
    },
    get selfSpeaking() {
      return selfSpeaking;
    },
    get screenTrack() {
      return screen;
    },
    get sharing() {
      return !!screen;
    },
    devices,

    async load() {
      // A link whose code cannot be one needs no server to be turned away (nor a name, nor the camera).
      if (code !== null && !MEETING_CODE_PATTERN.test(code)) return fail('not-found');
      const token = session.tokenValid() && session.token;
      if (token) prefetchIceServers(token);
      const since = teardowns;
      if (code) {
        try {
          // Needs no token: someone who has not given a name yet hears of a wrong link before the camera starts.
          title = (await stillHere(since, app.api.getMeeting(code))).title;
        } catch (error) {
          if (error === TORN_DOWN) return;
          if (error instanceof ApiError && error.code === 'meeting-not-found') return fail('not-found');
          // Otherwise joining will tell for sure.
        }
      }
      phase = 'prejoin';
      // Only for a meeting that may exist: a wrong link should not ask for the camera.
      void devices.start();
    },

    async join() {
      if (phase === 'joining' || phase === 'in-room') return;
      joinError = '';
      phase = 'joining';
      const since = teardowns;
      // From the token on: another tab signing out or in while this one waits (a camera prompt) must not
      // change whose meeting this is.
      releaseSession();
      releaseSession = session.hold();
      try {
        const token = await stillHere(since, session.ensureToken());
        joinedAs = session.user?.id;
        if (!code) {
          const created = await stillHere(since, app.api.createMeeting(token));
          code = created.code;
          title = created.title;
          deps.onCode(created.code);
        }
        const servers = await stillHere(since, iceServers ?? prefetchIceServers(token));
        await stillHere(since, devices.start()); // the pre-join screen started it; this waits for the tracks
        connect(code, token, servers);
      } catch (error) {
        if (error === TORN_DOWN) return;
        releaseSession();
        phase = 'prejoin';
        joinError = error instanceof Error ? error.message : 'Could not join. Try again.';
      }
    },

    async toggleMic() {
      const before = devices.micTrack;
      toast(await devices.setMicOn(!devices.micOn));
      if (devices.micTrack !== before) room?.setTrack('mic', devices.micTrack);
      room?.setAudioEnabled(devices.micOn);
    },

    async toggleCamera() {
      toast(await devices.setCameraOn(!devices.cameraOn));
      room?.setTrack('camera', devices.cameraTrack);
    },

    async toggleScreen() {
      if (screen) return stopScreen();
      // A second click while the browser's picker is up would start a second capture, never to be stopped.
      if (pickingScreen) return;
      pickingScreen = true;
      const since = teardowns;
      const { track, error } = await openScreen().finally(() => (pickingScreen = false));
      if (!track) return toast(error.reason !== 'cancelled' && error);
      if (teardowns !== since) return track.stop(); // left while picking
      // The browser's own "Stop sharing" button ends the track without going through us.
      track.addEventListener('ended', () => screen === track && stopScreen());
      room?.setTrack('screen', (screen = track));
    },

    async selectMicrophone(deviceId) {
      const track = await devices.selectMicrophone(deviceId);
      room?.setTrack('mic', track);
    },

    async selectCamera(deviceId) {
      const track = await devices.selectCamera(deviceId);
      if (devices.cameraOn) room?.setTrack('camera', track);
    },

    sendChat: (text) => (room ? room.sendChat(text) : 'You are not in the meeting yet.'),

    togglePanel(which) {
      panel = panel === which ? null : which;
      if (panel !== 'chat') return;
      unread = 0;
      // The messages are in the panel now; their notices would only cover its top.
      for (const id of chatNotices.splice(0)) toasts.dismiss(id);
    },

    closePanel() {
      panel = null;
    },

    leave() {
      if (phase !== 'in-room' && phase !== 'joining') return;
      teardown();
      phase = 'left';
    },

    async rejoin() {
      phase = 'prejoin';
      // Signed in or out in another tab since: show the pre-join ("Joining as ...") rather than rejoin as
      // someone else unasked.
      if (session.user?.id !== joinedAs) return void devices.start();
      // join() opens the devices again (they were released on leaving), under its own check for a teardown.
      await meeting.join();
    },

    destroy: teardown,
  };
  return meeting;
}

const KEY = Symbol('meeting');
export function setMeeting(meeting: MeetingState): MeetingState {
  return setContext(KEY, meeting);
}
export function useMeeting(): MeetingState {
  return getContext<MeetingState>(KEY);
}
