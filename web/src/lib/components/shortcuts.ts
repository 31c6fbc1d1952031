// Meet's shortcuts for the microphone (D) and the camera (E), with the platform's own modifier: ⌘ on a Mac,
// Ctrl elsewhere. Only that one: on a Mac, Ctrl+D and Ctrl+E edit text (delete forward, go to line end).
const isMac = /Mac|iPhone|iPad/.test(navigator.platform);

/** The modifier as the control bar's tooltips name it. */
export const MODIFIER = isMac ? '⌘' : 'Ctrl';

function shortcutOf(event: KeyboardEvent): 'mic' | 'camera' | null {
  const own = isMac ? event.metaKey : event.ctrlKey;
  const other = isMac ? event.ctrlKey : event.metaKey;
  if (!own || other || event.altKey || event.shiftKey) return null;
  // The letter where the layout has Latin letters; its key's place where it has none (Cyrillic, Greek...).
  const letter = /^[a-z]$/i.test(event.key) ? event.key.toLowerCase() : event.code.slice(3).toLowerCase();
  return letter === 'd' ? 'mic' : letter === 'e' ? 'camera' : null;
}

/**
 * A window keydown handler for the screens where the microphone and camera are live (pre-join and the
 * room): toggles them as their buttons do.
 */
export function onShortcut(event: KeyboardEvent, meeting: { toggleMic(): unknown; toggleCamera(): unknown }): void {
  const shortcut = shortcutOf(event);
  if (!shortcut) return;
  // Also when held down: the browser's own Ctrl+D (bookmark) must not take over; but toggle once.
  event.preventDefault();
  if (!event.repeat) void (shortcut === 'mic' ? meeting.toggleMic() : meeting.toggleCamera());
}
