// The HTTP API (accounts, meetings, ICE servers) as typed methods. Every failure becomes an ApiError
// whose message can be shown as is.
import type {
  AuthResponse,
  ErrorBody,
  IceServer,
  IceServersResponse,
  MeetingHistoryEntry,
  MeetingInfo,
  MeetingResponse,
  MeetingsResponse,
} from '$protocol';
import { ApiError, NETWORK_ERROR_MESSAGE } from './ApiError.js';

const REQUEST_TIMEOUT_MS = 15_000;

export class ApiClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  register(email: string, password: string, name: string): Promise<AuthResponse> {
    return this.#request('POST', '/auth/register', null, { email, password, name });
  }

  login(email: string, password: string): Promise<AuthResponse> {
    return this.#request('POST', '/auth/login', null, { email, password });
  }

  guest(name: string): Promise<AuthResponse> {
    return this.#request('POST', '/auth/guest', null, { name });
  }

  refresh(token: string): Promise<AuthResponse> {
    return this.#request('POST', '/auth/refresh', token);
  }

  async createMeeting(token: string): Promise<MeetingInfo> {
    return (await this.#request<MeetingResponse>('POST', '/meetings', token, {})).meeting;
  }

  async listMeetings(token: string): Promise<MeetingHistoryEntry[]> {
    return (await this.#request<MeetingsResponse>('GET', '/meetings', token)).meetings;
  }

  async getMeeting(code: string): Promise<MeetingInfo> {
    return (await this.#request<MeetingResponse>('GET', `/meetings/${encodeURIComponent(code)}`, null)).meeting;
  }

  async iceServers(token: string): Promise<IceServer[]> {
    return (await this.#request<IceServersResponse>('GET', '/ice-servers', token)).iceServers;
  }

  async #request<T>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.#baseUrl + path, {
        method,
        headers,
        body: JSON.stringify(body), // (none for undefined)
        // A request that hangs (a dead network path) must not leave "Join now" spinning for ever.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      throw new ApiError('network', NETWORK_ERROR_MESSAGE, 0);
    }
    const json: unknown = await response.json().catch(() => null);
    if (response.ok) return json as T;
    const error = (json as Partial<ErrorBody> | null)?.error;
    if (error?.code && error.message) throw new ApiError(error.code, error.message, response.status);
    throw new ApiError('internal', `Meshmeet had a problem (${response.status}). Try again in a moment.`, response.status);
  }
}
