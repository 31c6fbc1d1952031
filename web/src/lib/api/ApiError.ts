// An HTTP API failure as a value the UI can show: the server's own user-presentable message, or one
// of ours when the server could not be reached at all.
import type { HttpErrorCode } from '$protocol';

export type ApiErrorCode = HttpErrorCode | 'network';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;

  constructor(code: ApiErrorCode, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export const NETWORK_ERROR_MESSAGE = "Can't reach Meshmeet. Check your connection, then try again.";
