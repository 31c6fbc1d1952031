// The short texts people type and others see (names, meeting titles, chat): checks, and how much of one an
// error message quotes. A name made of invisible characters shows as a blank in everyone's participant list,
// and a text-direction override makes the text after it read backwards; neither is something a person means
// to type.
import * as v from 'valibot';

/**
 * Control characters (NUL, ESC, newlines...), the line and paragraph separators (a line break in a one-line
 * name), the interlinear annotation marks (they hide text), and the bidirectional marks, embeddings,
 * overrides and isolates.
 */
const CONTROL = /[\p{Cc}\u2028\u2029\ufff9-\ufffb\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Characters that show as blank space though Unicode files some of them under letters or symbols. */
const BLANK = /[\s\u115f\u1160\u3164\uffa0\u2800\u200b-\u200f\u2060-\u2064\ufeff]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const hasVisibleText = (text: string): boolean => VISIBLE.test(text.replace(BLANK, ''));
export const hasControlCharacters = (text: string): boolean => CONTROL.test(text);

/** A one-line text others will see: no control characters, and something visible in it (when not empty). */
export function shownText(what: string) {
  return [
    v.check((text: string) => !hasControlCharacters(text), `${what} cannot contain control characters or text-direction marks.`),
    v.check((text: string) => text === '' || hasVisibleText(text), `${what} needs letters, digits or symbols others can see.`),
  ] as const;
}

/** At most a few dozen characters of what someone sent, for error messages. */
export function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The form a password is hashed and measured in. The same typed password can reach us as different code
 * points: one keyboard sends "é" as one character, another (Vietnamese on Windows, some phone keyboards) as
 * "e" plus a combining accent, and a password manager keeps whichever it saw. NFKC makes them one, as NIST
 * SP 800-63B advises. A few characters grow under it (U+FDFA is 3 bytes, then 33).
 */
export const passwordForm = (password: string): string => password.normalize('NFKC');

/** UTF-8 bytes, as bcrypt counts a password. */
export const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;
