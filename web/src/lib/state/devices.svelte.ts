// The user's camera, microphone and speaker as reactive state: the open tracks, the choices (kept
// between visits), whether each is on, the mic level, and any error with what to do about it.
// Opened once on the pre-join screen; the same tracks go into the meeting.
import { getContext, setContext } from 'svelte';
import { AudioLevelMeter } from '$lib/rtc/AudioLevelMeter.js';
import { DeviceManager, type DeviceLists } from '$lib/rtc/DeviceManager.js';
import type { MediaError } from '$lib/rtc/media-errors.js';

const CHOICES_KEY = 'meshmeet.devices';

interface Choices {
  microphone: string | null;
  camera: string | null;
  speaker: string | null;
}

export class DevicesState {
  readonly #manager = new DeviceManager();
  #lists = $state.raw<DeviceLists>({ microphones: [], cameras: [], speakers: [] });
  #choices = $state.raw<Choices>(loadChoices());
  #mic = $state.raw<MediaStreamTrack | null>(null);
  #camera = $state.raw<MediaStreamTrack | null>(null);
  #micOn = $state.raw(true);
  #cameraOn = $state.raw(true);
  #micError = $state.raw<MediaError | null>(null);
  #cameraError = $state.raw<MediaError | null>(null);
  #level = $state.raw(0);
  #started = $state.raw(false);
  #meter: AudioLevelMeter | null = null;
  #levelTimer: ReturnType<typeof setInterval> | null = null;
  #stopListening: (() => void) | null = null;
  #starting: Promise<void> | null = null;

  get microphones(): MediaDeviceInfo[] {
    return this.#lists.microphones;
  }
  get cameras(): MediaDeviceInfo[] {
    return this.#lists.cameras;
  }
  get speakers(): MediaDeviceInfo[] {
    return this.#lists.speakers;
  }
  get canPickSpeaker(): boolean {
    return this.#manager.canPickSpeaker;
  }
  get microphoneId(): string | null {
    return this.#mic?.getSettings().deviceId ?? this.#choices.microphone;
  }
  get cameraId(): string | null {
    return this.#camera?.getSettings().deviceId ?? this.#choices.camera;
  }
  get speakerId(): string | null {
    return this.#choices.speaker;
  }
  get micTrack(): MediaStreamTrack | null {
    return this.#mic;
  }
  get cameraTrack(): MediaStreamTrack | null {
    return this.#camera;
  }
  /** The mic is open and not muted. */
  get micOn(): boolean {
    return this.#micOn && this.#mic !== null;
  }
  get cameraOn(): boolean {
    return this.#cameraOn && this.#camera !== null;
  }
  get micError(): MediaError | null {
    return this.#micError;
  }
  get cameraError(): MediaError | null {
    return this.#cameraError;
  }
  /** Microphone loudness, 0..1. */
  get level(): number {
    return this.#level;
  }
  get started(): boolean {
    return this.#started;
  }
  get manager(): DeviceManager {
    return this.#manager;
  }

  /** Opens the chosen (or default) devices; whatever fails is reported, the rest works. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#started = true;
    const result = await this.#manager.open({
      microphone: this.#choices.microphone,
      camera: this.#cameraOn ? this.#choices.camera : false,
    });
    if (result.microphone) this.#setMic(result.microphone.ok ? result.microphone.value : null, result.microphone.ok ? null : result.microphone.error);
    if (result.camera) this.#setCamera(result.camera.ok ? result.camera.value : null, result.camera.ok ? null : result.camera.error);
    await this.refreshLists();
    this.#stopListening = this.#manager.onDeviceChange(() => void this.refreshLists());
    this.#levelTimer = setInterval(() => (this.#level = this.#meter?.level() ?? 0), 100);
  }

  async refreshLists(): Promise<void> {
    this.#lists = await this.#manager.listDevices();
  }

  async selectMicrophone(deviceId: string): Promise<MediaStreamTrack | null> {
    this.#saveChoice({ microphone: deviceId });
    const result = await this.#manager.openMicrophone(deviceId);
    this.#setMic(result.ok ? result.value : this.#mic, result.ok ? null : result.error);
    return this.#mic;
  }

  async selectCamera(deviceId: string): Promise<MediaStreamTrack | null> {
    this.#saveChoice({ camera: deviceId });
    if (!this.#cameraOn) return null;
    const result = await this.#manager.openCamera(deviceId);
    this.#setCamera(result.ok ? result.value : this.#camera, result.ok ? null : result.error);
    return this.#camera;
  }

  selectSpeaker(deviceId: string): void {
    this.#saveChoice({ speaker: deviceId });
  }

  /** Mutes or unmutes; opens the mic first if it was not open (e.g. permission granted later). */
  async setMicOn(on: boolean): Promise<MediaError | null> {
    this.#micOn = on;
    if (on && !this.#mic) {
      const result = await this.#manager.openMicrophone(this.#choices.microphone);
      this.#setMic(result.ok ? result.value : null, result.ok ? null : result.error);
      if (!result.ok) {
        this.#micOn = false;
        return result.error;
      }
    }
    if (this.#mic) this.#mic.enabled = on;
    return null;
  }

  /** Turning the camera off releases it (its light goes out); turning it on opens it again. */
  async setCameraOn(on: boolean): Promise<MediaError | null> {
    this.#cameraOn = on;
    if (!on) {
      this.#setCamera(null, null);
      return null;
    }
    if (this.#camera) return null;
    const result = await this.#manager.openCamera(this.#choices.camera);
    if (!result.ok) {
      this.#cameraOn = false;
      this.#cameraError = result.error;
      return result.error;
    }
    if (!this.#cameraOn) {
      result.value.stop(); // turned off again while opening
      return null;
    }
    this.#setCamera(result.value, null);
    return null;
  }

  stop(): void {
    if (this.#levelTimer) clearInterval(this.#levelTimer);
    this.#stopListening?.();
    this.#meter?.close();
    this.#meter = null;
    this.#mic?.stop();
    this.#camera?.stop();
    this.#mic = this.#camera = null;
    this.#started = false;
    this.#starting = null;
  }

  #setMic(track: MediaStreamTrack | null, error: MediaError | null): void {
    if (track !== this.#mic) {
      this.#mic?.stop();
      this.#meter?.close();
      this.#meter = null;
      if (track) {
        track.enabled = this.#micOn;
        try {
          this.#meter = new AudioLevelMeter(track);
        } catch {
          // No Web Audio: no meter, the mic itself still works.
        }
      }
      this.#mic = track;
    }
    this.#micError = error;
  }

  #setCamera(track: MediaStreamTrack | null, error: MediaError | null): void {
    if (track !== this.#camera) {
      this.#camera?.stop();
      this.#camera = track;
    }
    this.#cameraError = error;
  }

  #saveChoice(change: Partial<Choices>): void {
    this.#choices = { ...this.#choices, ...change };
    try {
      localStorage.setItem(CHOICES_KEY, JSON.stringify(this.#choices));
    } catch {
      // Private mode: the choice holds for this visit only.
    }
  }
}

function loadChoices(): Choices {
  try {
    const saved = JSON.parse(localStorage.getItem(CHOICES_KEY) ?? '{}') as Partial<Choices>;
    return { microphone: saved.microphone ?? null, camera: saved.camera ?? null, speaker: saved.speaker ?? null };
  } catch {
    return { microphone: null, camera: null, speaker: null };
  }
}

const KEY = Symbol('devices');
export function setDevices(devices: DevicesState): DevicesState {
  return setContext(KEY, devices);
}
export function useDevices(): DevicesState {
  return getContext<DevicesState>(KEY);
}
