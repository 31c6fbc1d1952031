// DeviceManager: cameras, microphones, speakers and the screen. Opens tracks (never throws: failures
// come back as MediaError values a user can act on), lists devices and reports changes to the list.
// Independent of the meeting: the pre-join screen and the room both use it.
import { mediaError, toMediaError, type MediaError, type MediaResult } from './media-errors.js';

export interface DeviceLists {
  microphones: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

/** What to open: a device id, `null` for the default device, `false` to leave it closed. */
export interface OpenRequest {
  microphone: string | null | false;
  camera: string | null | false;
}

export interface OpenResult {
  microphone: MediaResult<MediaStreamTrack> | null;
  camera: MediaResult<MediaStreamTrack> | null;
}

// VGA is plenty for a mesh, where each camera is sent once per peer; senders scale down further by size.
const CAMERA: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } };
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export class DeviceManager {
  /** Opens both in one request (one permission prompt); if that fails, each alone, so one bad device does not block the other. */
  async open(request: OpenRequest): Promise<OpenResult> {
    const unavailable = this.#unavailable();
    if (unavailable) {
      return {
        microphone: request.microphone === false ? null : { ok: false, error: mediaError('microphone', unavailable) },
        camera: request.camera === false ? null : { ok: false, error: mediaError('camera', unavailable) },
      };
    }
    if (request.microphone !== false && request.camera !== false) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: audioConstraints(request.microphone),
          video: videoConstraints(request.camera),
        });
        const [microphone] = stream.getAudioTracks();
        const [camera] = stream.getVideoTracks();
        if (microphone && camera) return { microphone: { ok: true, value: microphone }, camera: { ok: true, value: camera } };
        stream.getTracks().forEach((track) => track.stop());
      } catch {
        // Fall through to opening each on its own, which tells us which one failed and why.
      }
    }
    const [microphone, camera] = await Promise.all([
      request.microphone === false ? null : this.openMicrophone(request.microphone),
      request.camera === false ? null : this.openCamera(request.camera),
    ]);
    return { microphone, camera };
  }

  openMicrophone(deviceId: string | null = null): Promise<MediaResult<MediaStreamTrack>> {
    return this.#openOne('microphone', deviceId);
  }

  openCamera(deviceId: string | null = null): Promise<MediaResult<MediaStreamTrack>> {
    return this.#openOne('camera', deviceId);
  }

  async openScreen(): Promise<MediaResult<MediaStreamTrack>> {
    if (!navigator.mediaDevices?.getDisplayMedia) return { ok: false, error: mediaError('screen', 'unsupported') };
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
      const [track] = stream.getVideoTracks();
      if (!track) return { ok: false, error: mediaError('screen', 'unknown') };
      track.contentHint = 'detail'; // slides and text: keep them sharp, drop frames instead
      return { ok: true, value: track };
    } catch (error) {
      return { ok: false, error: toMediaError('screen', error) };
    }
  }

  async listDevices(): Promise<DeviceLists> {
    const lists: DeviceLists = { microphones: [], cameras: [], speakers: [] };
    if (!navigator.mediaDevices?.enumerateDevices) return lists;
    for (const device of await navigator.mediaDevices.enumerateDevices()) {
      // Before permission is granted devices have no id or label: nothing a user could pick.
      if (!device.deviceId) continue;
      if (device.kind === 'audioinput') lists.microphones.push(device);
      else if (device.kind === 'videoinput') lists.cameras.push(device);
      else if (device.kind === 'audiooutput') lists.speakers.push(device);
    }
    return lists;
  }

  onDeviceChange(listener: () => void): () => void {
    navigator.mediaDevices?.addEventListener('devicechange', listener);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', listener);
  }

  /** Whether audio output can be routed to a chosen speaker (setSinkId). */
  get canPickSpeaker(): boolean {
    return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
  }

  async #openOne(source: 'microphone' | 'camera', deviceId: string | null): Promise<MediaResult<MediaStreamTrack>> {
    const unavailable = this.#unavailable();
    if (unavailable) return { ok: false, error: mediaError(source, unavailable) };
    const constraints = (id: string | null): MediaStreamConstraints =>
      source === 'camera' ? { video: videoConstraints(id) } : { audio: audioConstraints(id) };
    try {
      return { ok: true, value: firstTrack(await navigator.mediaDevices.getUserMedia(constraints(deviceId))) };
    } catch (error) {
      const failure: MediaError = toMediaError(source, error);
      // A remembered device that is gone: fall back to the default one.
      if (deviceId && failure.reason === 'not-found') return this.#openOne(source, null);
      return { ok: false, error: failure };
    }
  }

  #unavailable(): 'insecure' | 'unsupported' | null {
    if (typeof isSecureContext !== 'undefined' && !isSecureContext) return 'insecure';
    if (!navigator.mediaDevices?.getUserMedia) return 'unsupported';
    return null;
  }
}

function audioConstraints(deviceId: string | null): MediaTrackConstraints {
  return deviceId ? { ...MICROPHONE, deviceId: { exact: deviceId } } : MICROPHONE;
}

function videoConstraints(deviceId: string | null): MediaTrackConstraints {
  return deviceId ? { ...CAMERA, deviceId: { exact: deviceId } } : CAMERA;
}

function firstTrack(stream: MediaStream): MediaStreamTrack {
  const [track] = stream.getTracks();
  if (!track) throw new DOMException('No track', 'NotFoundError');
  return track;
}
