// Turns valibot's verdict on untrusted input into a DomainError with a sentence a person can act on.
import * as v from 'valibot';
import { DomainError, type ErrorCode } from '../domain/errors.js';

export function validate<S extends v.GenericSchema>(schema: S, input: unknown, code: ErrorCode): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.');
  const message = issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
  throw new DomainError(code, path ? `${path}: ${message}` : message);
}

export function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new DomainError('bad-json', 'The request body is not valid JSON.');
  }
}
