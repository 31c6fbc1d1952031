// Errors as values a user can act on: a stable code for programs, a sentence for people.
// Handlers turn them into HTTP statuses or `{type:"error"}` messages at the edge.
import type { HttpErrorCode, SocketErrorCode } from '../protocol/index.js';
import { shorten } from '../protocol/text.js';

export type ErrorCode = HttpErrorCode | SocketErrorCode;

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const meetingNotFound = (code: string) =>
  new DomainError(
    'meeting-not-found',
    `No meeting has the code "${shorten(code)}". Check the code or the link you were sent.`,
  );
