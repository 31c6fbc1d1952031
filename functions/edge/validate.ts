// Turns valibot's verdict on untrusted input into a DomainError with a sentence a person can act on.
import * as v from 'valibot';
import { DomainError, type ErrorCode } from '../domain/errors.js';
import { OBJECT_EXPECTED } from '../protocol/objects.js';
import { shorten } from '../protocol/text.js';

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
  // A schema's own "should be ..." is said of the field it failed on.
  if (issue.message.startsWith('should ')) return `${where} ${issue.message}, not ${shorten(issue.received)}.`;
  if (!issue.message.startsWith('Invalid ')) return issue.message;
  if (issue.received === 'undefined') return `${where} is missing.`;
  return `${where} should be ${issue.expected ?? 'something else'}, not ${shorten(issue.received)}.`;
}

/** `what` names the input in the error: a request body, or a socket message. */
export function parseJson(body: string | undefined, what = 'The request body'): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new DomainError('bad-json', `${what} is not valid JSON.`);
  }
}
