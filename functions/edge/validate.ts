// Turns valibot's verdict on untrusted input into a DomainError with a sentence a person can act on.
import * as v from 'valibot';
import { DomainError, type ErrorCode } from '../domain/errors.js';
import { OBJECT_EXPECTED } from '../protocol/objects.js';

export function validate<S extends v.GenericSchema>(schema: S, input: unknown, code: ErrorCode): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new DomainError(code, describe(result.issues[0]));
}

/**
 * Our schemas carry their own sentences ("Enter a name."); valibot's defaults ("Invalid type: Expected
 * string but received 1") are for programs, so the field is named in plain words instead.
 */
function describe(issue: v.BaseIssue<unknown>): string {
  const field = issue.path?.map((p) => String(p.key)).join('.');
  const where = field ? `"${field}"` : 'The body';
  if (issue.message === OBJECT_EXPECTED) return `${where} should be a JSON object.`;
  if (!issue.message.startsWith('Invalid ')) return issue.message;
  if (issue.type === 'safe_integer') return `${where} should be a whole number, not ${shorten(issue.received)}.`;
  if (issue.received === 'undefined') return `${where} is missing.`;
  return `${where} should be ${issue.expected ?? 'something else'}, not ${shorten(issue.received)}.`;
}

/** At most a few dozen characters of what someone sent, for error messages. */
export function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `what` names the input in the error: a request body, or a socket message. */
export function parseJson(body: string | undefined, what = 'The request body'): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new DomainError('bad-json', `${what} is not valid JSON.`);
  }
}
