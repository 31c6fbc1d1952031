// Meeting codes as people type or paste them: "abc-defg-hij", "ABCDEFGHIJ", or a whole invite link.
import { MEETING_CODE_PATTERN } from '$protocol/limits.js';

/** The meeting code in `input`, or null if there is none. */
export function parseMeetingInput(input: string): string | null {
  let text = input.trim();
  try {
    const url = new URL(text);
    text = url.pathname.split('/').filter(Boolean).at(-1) ?? '';
  } catch {
    // Not a full link: a code, or a link pasted without its https:// ("meet.example.org/m/abc-defg-hij").
    text = text.split(/[?#]/)[0]!.split('/').filter(Boolean).at(-1) ?? '';
  }
  const letters = text.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length !== 10) return MEETING_CODE_PATTERN.test(text.toLowerCase()) ? text.toLowerCase() : null;
  const code = `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7)}`;
  return MEETING_CODE_PATTERN.test(code) ? code : null;
}

export function meetingPath(code: string): string {
  return `/m/${code}`;
}

export function inviteLink(code: string, origin = location.origin): string {
  return origin + meetingPath(code);
}
