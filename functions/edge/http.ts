// The HTTP API edge: turns a payload-2.0 event into a call on the domain and its result (or DomainError)
// into a JSON response. Every error has the shape { error: { code, message } }.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as v from 'valibot';
import type { HttpErrorCode } from '../protocol/index.js';
import { DomainError } from '../domain/errors.js';
import type { TokenClaims } from '../domain/tokens.js';
import { services } from '../adapters/services.js';
import { parseJson, validate } from './validate.js';

export interface HttpRequest {
  /** The JSON body, validated; throws 400 for malformed JSON or a wrong shape. */
  body<S extends v.GenericSchema>(schema: S): v.InferOutput<S>;
  /** The signed-in user (or guest) from `Authorization: Bearer`; throws 401 otherwise. */
  user(): Promise<TokenClaims>;
  pathParameter(name: string): string;
}

export interface HttpResult {
  status: number;
  body: unknown;
}

// Every HTTP error code has its status (the type insists); `internal` is our fault, not the caller's.
const STATUS: Record<HttpErrorCode, number> = {
  'bad-json': 400,
  'invalid-request': 400,
  unauthorized: 401,
  'invalid-credentials': 401,
  'email-taken': 409,
  'too-many-attempts': 429,
  'meeting-not-found': 404,
  'not-found': 404,
  internal: 500,
};

export function httpHandler(run: (request: HttpRequest) => Promise<HttpResult>) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const request: HttpRequest = {
      body: (schema) => {
        const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
        return validate(schema, parseJson(raw), 'invalid-request');
      },
      user: () => services.tokens().verify(bearer(event.headers?.authorization)),
      pathParameter: (name) => decodePath(event.pathParameters?.[name] ?? ''),
    };
    try {
      const result = await run(request);
      return json(result.status, result.body);
    } catch (e) {
      // A code with no HTTP status is a WebSocket one that no HTTP handler should throw: our bug, so a 500.
      if (e instanceof DomainError) {
        return json(STATUS[e.code as HttpErrorCode] ?? 500, { error: { code: e.code, message: e.message } });
      }
      console.error('unexpected error', e);
      return json(500, { error: { code: 'internal', message: 'Something went wrong on our side. Try again.' } });
    }
  };
}

/** A malformed escape (`%E0%A4%A`) is the caller's mistake: keep the raw text, which then matches nothing. */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    // nosniff: a browser must never read an answer (which may quote what someone sent) as anything but JSON.
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    body: JSON.stringify(body),
  };
}
