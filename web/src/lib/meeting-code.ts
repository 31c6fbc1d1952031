// Meeting codes as people type or paste them: "abc-defg-hij", "ABCDEFGHIJ", or a whole invite link.

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
  // A code has ten letters (MEETING_CODE_PATTERN), in groups of 3, 4 and 3 however they were typed.
  const letters = text.toLowerCase().replace(/[^a-z]/g, '');
  return letters.length === 10 ? `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7)}` : null;
}

export function meetingPath(code: string): string {
  return `/m/${code}`;
}

export function inviteLink(code: string): string {
  return location.origin + meetingPath(code);
}
