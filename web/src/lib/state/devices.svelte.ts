// The user's camera, microphone and speaker as reactive state: the open tracks, the choices (kept
// between visits), whether each is on, the mic level, and any error with what to do about it.
// Opened once on the pre-join screen; the same tracks go into the meeting.
import { createAudioLevelMeter, type AudioLevelMeter } from '$lib/rtc/AudioLevelMeter.js';
import { canPickSpeaker, listDevices, openDevice, openDevices, type DeviceLists } from '$lib/rtc/DeviceManager.js';
import type { MediaError, Opened } from '$lib/rtc/media-errors.js';

const CHOICES_KEY = 'meshmeet.devices';

interface Choices {
  microphone: string | null;
  camera: string | null;
  speaker: string | null;
}

export interface DevicesState {
  readonly microphones: MediaDeviceInfo[];
  readonly cameras: MediaDeviceInfo[];
  readonly speakers: MediaDeviceInfo[];
  /** Whether audio output can be routed to a chosen speaker. */
  readonly canPickSpeaker: boolean;
  readonly microphoneId: string | null;
  readonly cameraId: string | null;
  readonly speakerId: string | null;
  readonly micTrack: MediaStreamTrack | null;
  readonly cameraTrack: MediaStreamTrack | null;
  /** The mic is open and not muted. */
  readonly micOn: boolean;
  readonly cameraOn: boolean;
  readonly micError: MediaError | null;
  readonly cameraError: MediaError | null;
  /** Microphone loudness, 0..1. */
  readonly level: number;
  readonly started: boolean;
  /** Opens the chosen (or default) devices; whatever fails is reported, the rest works. Idempotent. */
  start(): Promise<void>;
  selectMicrophone(deviceId: string): Promise<MediaStreamTrack | null>;
  selectCamera(deviceId: string): Promise<MediaStreamTrack | null>;
  selectSpeaker(deviceId: string): void;
  /** Mutes or unmutes; opens the mic first if it was not open (e.g. permission granted later). */
  setMicOn(on: boolean): Promise<MediaError | null>;
  /** Turning the camera off releases it (its light goes out); turning it on opens it again. */
  setCameraOn(on: boolean): Promise<MediaError | null>;
  /**
   * Told when a device went away by itself (a headset unplugged, a camera pulled) and its track was
   * replaced by the default device's, or by none when there is no other.
   */
  onlost: ((slot: 'mic' | 'camera', track: MediaStreamTrack | null) => void) | null;
  stop(): void;
}

export function createDevices(): DevicesState {
  let lists = $state.raw<DeviceLists>({ microphones: [], cameras: [], speakers: [] });
  let choices = $state.raw<Choices>(loadChoices());
  let mic = $state.raw<MediaStreamTrack | null>(null);
  let camera = $state.raw<MediaStreamTrack | null>(null);
  let micOn = $state.raw(true);
  let cameraOn = $state.raw(true);
  let micError = $state.raw<MediaError | null>(null);
  let cameraError = $state.raw<MediaError | null>(null);
  let level = $state.raw(0);
  let started = $state.raw(false);
  let meter: AudioLevelMeter | null = null;
  let levelTimer: ReturnType<typeof setInterval> | undefined;
  let starting: Promise<void> | null = null;
  /** Counts stops: an open() that started before the latest stop gives back what it opened. */
  let stops = 0;

  const refreshLists = async (): Promise<void> => {
    lists = await listDevices();
  };

  /** A device unplugged: its track ends by itself. Go on with the default device, as the system does. */
  function whenLost(track: MediaStreamTrack, slot: 'mic' | 'camera'): void {
    const current = (): MediaStreamTrack | null => (slot === 'mic' ? mic : camera);
    track.addEventListener('ended', async () => {
      if (track !== current()) return; // replaced meanwhile
      const next = await openDevice(slot === 'mic' ? 'microphone' : 'camera', null);
      if (track !== current()) return next.track?.stop();
      if (slot === 'mic') setMic(next.track, next.error);
      else setCamera(next.track, next.error);
      devices.onlost?.(slot, next.track);
    });
  }

  function setMic(track: MediaStreamTrack | null, error: MediaError | null): void {
    if (track !== mic) {
      mic?.stop();
      meter?.close();
      meter = null;
      if (track) {
        whenLost(track, 'mic');
        track.enabled = micOn;
        try {
          meter = createAudioLevelMeter(track);
        } catch {
          // No Web Audio: no meter, the mic itself still works.
        }
      }
      mic = track;
    }
    micError = error;
  }

  function setCamera(track: MediaStreamTrack | null, error: MediaError | null): void {
    if (track !== camera) {
      camera?.stop();
      if (track) whenLost(track, 'camera');
      camera = track;
    }
    cameraError = error;
  }

  function saveChoice(change: Partial<Choices>): void {
    choices = { ...choices, ...change };
    try {
      localStorage.setItem(CHOICES_KEY, JSON.stringify(choices));
    } catch {
      // Private mode: the choice holds for this visit only.
    }
  }

  /**
   * Opens a device, unless the devices are stopped while the browser opens it (the meeting was left, or its
   * screen went): then the new track is closed at once, so no camera light stays on after leaving.
   */
  async function openUnlessStopped(source: 'microphone' | 'camera', deviceId: string | null): Promise<Opened | null> {
    const run = stops;
    const opened = await openDevice(source, deviceId);
    if (stops === run) return opened;
    opened.track?.stop();
    return null;
  }

  async function open(): Promise<void> {
    const run = stops;
    const opened = await openDevices({ microphone: choices.microphone, camera: cameraOn && choices.camera });
    if (stops !== run) {
      // Stopped while the browser was still asking or opening (left, or the meeting does not exist).
      opened.microphone.track?.stop();
      opened.camera?.track?.stop();
      return;
    }
    // Only now: until the browser answers (its permission prompt may be up), the preview says "Starting camera…".
    started = true;
    setMic(opened.microphone.track, opened.microphone.error);
    if (opened.camera) setCamera(opened.camera.track, opened.camera.error);
    await refreshLists();
    if (stops !== run) return;
    navigator.mediaDevices?.addEventListener('devicechange', refreshLists);
    levelTimer = setInterval(() => (level = meter?.level() ?? 0), 100);
  }

  const devices: DevicesState = {
    onlost: null,
    get microphones() {
      return lists.microphones;
    },
    get cameras() {
      return lists.cameras;
    },
    get speakers() {
      return lists.speakers;
    },
    canPickSpeaker: canPickSpeaker(),
    get microphoneId() {
      return mic?.getSettings().deviceId ?? choices.microphone;
    },
    get cameraId() {
      return camera?.getSettings().deviceId ?? choices.camera;
    },
    get speakerId() {
      return choices.speaker;
    },
    get micTrack() {
      return mic;
    },
    get cameraTrack() {
      return camera;
    },
    get micOn() {
      return micOn && !!mic;
    },
    get cameraOn() {
      return cameraOn && !!camera;
    },
    get micError() {
      return micError;
    },
    get cameraError() {
      return cameraError;
    },
    get level() {
      return level;
    },
    get started() {
      return started;
    },

    start: () => (starting ??= open()),

    async selectMicrophone(deviceId) {
      saveChoice({ microphone: deviceId });
      const opened = await openUnlessStopped('microphone', deviceId);
      if (opened) setMic(opened.track ?? mic, opened.error);
      return mic;
    },

    async selectCamera(deviceId) {
      saveChoice({ camera: deviceId });
      if (!cameraOn) return null;
      const opened = await openUnlessStopped('camera', deviceId);
      if (opened) setCamera(opened.track ?? camera, opened.error);
      return camera;
    },

    selectSpeaker(deviceId) {
      saveChoice({ speaker: deviceId });
    },

    async setMicOn(on) {
      micOn = on;
      if (on && !mic) {
        const opened = await openUnlessStopped('microphone', choices.microphone);
        if (!opened) return null;
        const { track, error } = opened;
        setMic(track, error);
        if (error) {
          micOn = false;
          return error;
        }
      }
      if (mic) mic.enabled = on;
      return null;
    },

    async setCameraOn(on) {
      cameraOn = on;
      if (!on) setCamera(null, null);
      if (!on || camera) return null;
      const opened = await openUnlessStopped('camera', choices.camera);
      if (!opened) return null;
      const { track, error } = opened;
      if (error) {
        cameraOn = false;
        return (cameraError = error);
      }
      if (cameraOn) setCamera(track, null);
      else track.stop(); // turned off again while opening
      return null;
    },

    stop() {
      stops++;
      clearInterval(levelTimer);
      navigator.mediaDevices?.removeEventListener('devicechange', refreshLists);
      setMic(null, micError);
      setCamera(null, cameraError);
      started = false;
      starting = null;
    },
  };
  return devices;
}

function loadChoices(): Choices {
  let saved: Partial<Choices> = {};
  try {
    saved = JSON.parse(localStorage.getItem(CHOICES_KEY) ?? '{}') as Partial<Choices>;
  } catch {
    // Nothing saved, or no storage: the defaults.
  }
  return { microphone: saved.microphone ?? null, camera: saved.camera ?? null, speaker: saved.speaker ?? null };
}
