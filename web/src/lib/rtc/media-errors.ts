// Why a camera, microphone or screen could not be opened, as a value with a message that tells the
// user what to do. One reason per getUserMedia/getDisplayMedia failure the browser can report.

export type MediaSource = 'microphone' | 'camera' | 'screen';
export type MediaErrorReason = 'permission-denied' | 'not-found' | 'in-use' | 'insecure' | 'unsupported' | 'cancelled' | 'unknown';

export interface MediaError {
  source: MediaSource;
  reason: MediaErrorReason;
  message: string;
}

/** What opening a device gave: the track, or why there is none. */
export type Opened = { track: MediaStreamTrack; error: null } | { track: null; error: MediaError };

function describe(source: MediaSource, reason: MediaErrorReason): string {
  const camera = source === 'camera';
  if (source === 'screen') {
    if (reason === 'permission-denied') return 'Screen sharing is blocked by your system. Allow screen recording for this browser in your system settings.';
    if (reason === 'in-use') return 'Your screen could not be captured. Close other screen recorders, then try again.';
    if (reason === 'unsupported') return "This browser can't share your screen. Use a desktop browser to present.";
    if (reason === 'cancelled') return 'Screen sharing was cancelled.';
  } else if (reason === 'permission-denied') {
    return `${camera ? 'Camera' : 'Microphone'} access is blocked. Allow it from the ${source} icon in the address bar, then reload the page.`;
  } else if (reason === 'not-found') {
    return camera ? 'No camera found. Connect one, or join without video.' : 'No microphone found. Connect one to be heard; you can still join and listen.';
  } else if (reason === 'in-use') {
    return `Your ${source} is in use by another app. Close that app, then ${camera ? 'turn your camera on' : 'unmute'} again.`;
  }
  if (reason === 'insecure') return 'Camera and microphone need a secure page. Open this meeting with https://.';
  if (reason === 'unsupported') return "This browser can't use a camera or microphone. Use a recent Chrome, Edge, Firefox or Safari.";
  if (reason === 'not-found') return 'The device was not found. Check that it is connected.';
  return 'Something went wrong opening the device. Reload the page and try again.';
}

export function mediaError(source: MediaSource, reason: MediaErrorReason): MediaError {
  return { source, reason, message: describe(source, reason) };
}

/** Maps what getUserMedia/getDisplayMedia threw to a reason. */
export function toMediaError(source: MediaSource, error: unknown): MediaError {
  const { name, message } = error instanceof Error || error instanceof DOMException ? error : { name: '', message: '' };
  let reason: MediaErrorReason = 'unknown';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError') {
    // Chrome reports the user closing the screen picker as NotAllowedError too.
    reason = source === 'screen' && !/system/i.test(message) ? 'cancelled' : 'permission-denied';
  } else if (/^(NotFound|DevicesNotFound|Overconstrained)Error$/.test(name)) reason = 'not-found';
  else if (/^(NotReadable|TrackStart|Abort)Error$/.test(name)) reason = 'in-use';
  else if (name === 'SecurityError') reason = 'insecure';
  else if (name === 'TypeError' || name === 'NotSupportedError') reason = 'unsupported';
  return mediaError(source, reason);
}
