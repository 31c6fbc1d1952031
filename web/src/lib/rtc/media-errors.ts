// Why a camera, microphone or screen could not be opened, as a value with a message that tells the
// user what to do. One reason per getUserMedia/getDisplayMedia failure the browser can report.

export type MediaSource = 'microphone' | 'camera' | 'screen';
export type MediaErrorReason = 'permission-denied' | 'not-found' | 'in-use' | 'insecure' | 'unsupported' | 'cancelled' | 'unknown';

export interface MediaError {
  source: MediaSource;
  reason: MediaErrorReason;
  message: string;
}

export type MediaResult<T> = { ok: true; value: T } | { ok: false; error: MediaError };

const MESSAGES: Record<MediaSource, Partial<Record<MediaErrorReason, string>>> = {
  camera: {
    'permission-denied': 'Camera access is blocked. Allow it from the camera icon in the address bar, then reload the page.',
    'not-found': 'No camera found. Connect one, or join without video.',
    'in-use': 'Your camera is in use by another app. Close that app, then turn your camera on again.',
  },
  microphone: {
    'permission-denied': 'Microphone access is blocked. Allow it from the icon in the address bar, then reload the page.',
    'not-found': 'No microphone found. Connect one to be heard; you can still join and listen.',
    'in-use': 'Your microphone is in use by another app. Close that app, then unmute again.',
  },
  screen: {
    'permission-denied': 'Screen sharing is blocked by your system. Allow screen recording for this browser in your system settings.',
    'in-use': 'Your screen could not be captured. Close other screen recorders, then try again.',
    unsupported: "This browser can't share your screen. Use a desktop browser to present.",
    cancelled: 'Screen sharing was cancelled.',
  },
};

const GENERIC: Record<MediaErrorReason, string> = {
  'permission-denied': 'Access was blocked. Allow it in your browser settings, then reload the page.',
  'not-found': 'The device was not found. Check that it is connected.',
  'in-use': 'The device is in use by another app. Close that app, then try again.',
  insecure: 'Camera and microphone need a secure page. Open this meeting with https://.',
  unsupported: "This browser can't use a camera or microphone. Use a recent Chrome, Edge, Firefox or Safari.",
  cancelled: 'Cancelled.',
  unknown: 'Something went wrong opening the device. Reload the page and try again.',
};

export function mediaError(source: MediaSource, reason: MediaErrorReason): MediaError {
  return { source, reason, message: MESSAGES[source][reason] ?? GENERIC[reason] };
}

/** Maps what getUserMedia/getDisplayMedia threw to a reason. */
export function toMediaError(source: MediaSource, error: unknown): MediaError {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const text = error instanceof Error || error instanceof DOMException ? error.message : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      // Chrome reports the user closing the screen picker as NotAllowedError too.
      if (source === 'screen' && !/system/i.test(text)) return mediaError(source, 'cancelled');
      return mediaError(source, 'permission-denied');
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return mediaError(source, 'not-found');
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return mediaError(source, 'in-use');
    case 'SecurityError':
      return mediaError(source, 'insecure');
    case 'TypeError':
    case 'NotSupportedError':
      return mediaError(source, 'unsupported');
    default:
      return mediaError(source, 'unknown');
  }
}
