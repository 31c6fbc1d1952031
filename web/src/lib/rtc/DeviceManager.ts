// Cameras, microphones, speakers and the screen. Opens tracks (never throws: failures come back as
// MediaError values a user can act on) and lists devices. Independent of the meeting: the pre-join
// screen and the room both use it.
import { mediaError, toMediaError, type Opened } from './media-errors.js';

export interface DeviceLists {
  microphones: MediaDeviceInfo[];
  cameras: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

/** What to open: a device id, `null` for the default device, `false` to leave the camera closed. */
export interface OpenRequest {
  microphone: string | null;
  camera: string | null | false;
}

export interface OpenResult {
  microphone: Opened;
  camera: Opened | null;
}

// VGA is plenty for a mesh, where each camera is sent once per peer; senders scale down further by size.
const CAMERA: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24, max: 30 } };
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

const constraints = (source: 'microphone' | 'camera', deviceId: string | null): MediaStreamConstraints => {
  const base = source === 'camera' ? CAMERA : MICROPHONE;
  return { [source === 'camera' ? 'video' : 'audio']: deviceId ? { ...base, deviceId: { exact: deviceId } } : base };
};

const unavailable = (): 'insecure' | 'unsupported' | null =>
  typeof isSecureContext !== 'undefined' && !isSecureContext ? 'insecure' : !navigator.mediaDevices?.getUserMedia ? 'unsupported' : null;

/** Opens both in one request (one permission prompt); if that fails, each alone, so one bad device does not block the other. */
export async function openDevices(request: OpenRequest): Promise<OpenResult> {
  const { microphone, camera } = request;
  if (camera !== false && !unavailable()) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ ...constraints('microphone', microphone), ...constraints('camera', camera) });
      const [mic] = stream.getAudioTracks();
      const [cam] = stream.getVideoTracks();
      if (mic && cam) return { microphone: { track: mic, error: null }, camera: { track: cam, error: null } };
      stream.getTracks().forEach((track) => track.stop());
    } catch {
      // Fall through to opening each on its own, which tells us which one failed and why.
    }
  }
  const [mic, cam] = await Promise.all([
    openDevice('microphone', microphone),
    camera === false ? null : openDevice('camera', camera),
  ]);
  return { microphone: mic, camera: cam };
}

/** Opens a microphone or camera: `deviceId`, or the default one (also when that device is gone). */
export async function openDevice(source: 'microphone' | 'camera', deviceId: string | null): Promise<Opened> {
  const reason = unavailable();
  if (reason) return { track: null, error: mediaError(source, reason) };
  try {
    const [track] = (await navigator.mediaDevices.getUserMedia(constraints(source, deviceId))).getTracks();
    if (!track) throw new DOMException('No track', 'NotFoundError');
    return { track, error: null };
  } catch (error) {
    const failure = toMediaError(source, error);
    // A remembered device that is gone: fall back to the default one.
    if (deviceId && failure.reason === 'not-found') return openDevice(source, null);
    return { track: null, error: failure };
  }
}

export async function openScreen(): Promise<Opened> {
  if (!navigator.mediaDevices?.getDisplayMedia) return { track: null, error: mediaError('screen', 'unsupported') };
  try {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    const [track] = stream.getVideoTracks();
    if (!track) return { track: null, error: mediaError('screen', 'unknown') };
    track.contentHint = 'detail'; // slides and text: keep them sharp, drop frames instead
    return { track, error: null };
  } catch (error) {
    return { track: null, error: toMediaError('screen', error) };
  }
}

export async function listDevices(): Promise<DeviceLists> {
  const lists: DeviceLists = { microphones: [], cameras: [], speakers: [] };
  const list = { audioinput: lists.microphones, videoinput: lists.cameras, audiooutput: lists.speakers };
  // Before permission is granted devices have no id or label: nothing a user could pick.
  for (const device of (await navigator.mediaDevices?.enumerateDevices?.()) ?? []) if (device.deviceId) list[device.kind]?.push(device);
  return lists;
}

/** Whether audio output can be routed to a chosen speaker (setSinkId). */
export const canPickSpeaker = (): boolean => 'setSinkId' in HTMLMediaElement.prototype;
