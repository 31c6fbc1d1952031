// The one route table. The local gateway (local/) and the CDK stack (infra/) both read it, so a route
// exists in both or in neither. `handler` names a module functions/handlers/<handler>.ts that exports `handler`.
import type { KeyPrefix } from './adapters/table.js';

export interface WebSocketRoute {
  /** API Gateway route key: `$connect`, `$disconnect`, `$default`, or the value of `action`. */
  routeKey: string;
  handler: string;
}
export interface HttpRoute {
  method: 'GET' | 'POST';
  /** Path in API Gateway syntax; `{name}` is a path parameter. */
  path: string;
  handler: string;
}

/** Runs before `$connect`; reads the token from this query-string parameter. */
export const webSocketAuthorizer = { handler: 'ws-authorize', tokenQueryParameter: 'token' } as const;

/** API Gateway picks a route by this expression over the JSON body. */
export const routeSelectionExpression = '$request.body.action';

export const webSocketRoutes: readonly WebSocketRoute[] = [
  { routeKey: '$connect', handler: 'ws-connect' },
  { routeKey: '$disconnect', handler: 'ws-disconnect' },
  { routeKey: '$default', handler: 'ws-default' },
  { routeKey: 'join', handler: 'ws-join' },
  { routeKey: 'signal', handler: 'ws-signal' },
  { routeKey: 'chat', handler: 'ws-chat' },
  { routeKey: 'leave', handler: 'ws-leave' },
  { routeKey: 'ping', handler: 'ws-ping' },
];

export const httpRoutes: readonly HttpRoute[] = [
  { method: 'POST', path: '/auth/register', handler: 'http-register' },
  { method: 'POST', path: '/auth/login', handler: 'http-login' },
  { method: 'POST', path: '/auth/guest', handler: 'http-guest' },
  { method: 'POST', path: '/auth/refresh', handler: 'http-refresh' },
  { method: 'POST', path: '/meetings', handler: 'http-create-meeting' },
  { method: 'GET', path: '/meetings', handler: 'http-list-meetings' },
  { method: 'GET', path: '/meetings/{code}', handler: 'http-get-meeting' },
  { method: 'GET', path: '/ice-servers', handler: 'http-ice-servers' },
];

/** Every handler module, once: the authorizer and each route's handler. */
export const allHandlers: readonly string[] = [
  webSocketAuthorizer.handler,
  ...webSocketRoutes.map((r) => r.handler),
  ...httpRoutes.map((r) => r.handler),
];

/**
 * Environment every handler reads (through adapters/env.ts). The CDK stack sets these; the local stack too.
 * TABLE_NAME: the DynamoDB table. BCRYPT_COST: password hashing cost. TOKEN_TTL_SECONDS: token lifetime.
 * STUN_URLS / TURN_URLS / TURN_SECRET: ICE servers handed to browsers. MAX_PARTICIPANTS: meeting size cap.
 */
export const handlerEnvironment = [
  'TABLE_NAME',
  'BCRYPT_COST',
  'TOKEN_TTL_SECONDS',
  'STUN_URLS',
  'TURN_URLS',
  'TURN_SECRET',
  'MAX_PARTICIPANTS',
] as const;

/** DynamoDB actions a handler may call. The CDK stack grants exactly these, per function. */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchGetItem' | 'BatchWriteItem';

export interface HandlerAccess {
  table: readonly TableAction[];
  /**
   * Partitions those actions may reach, by key prefix (adapters/table.ts). The CDK stack puts them in an IAM
   * condition, so e.g. a WebSocket handler cannot read an account's password hash even if it is tricked into asking.
   */
  keys: readonly KeyPrefix[];
  /** Sends to WebSocket clients through the @connections management API. */
  postsToConnections: boolean;
}

// Token checks read the signing secret (GetItem CONFIG); handlers that issue tokens may create it once (PutItem).
// Sending to a connection that is gone (410) removes it and its seat and tells its meeting: DeleteItem + Query.
const relay: readonly TableAction[] = ['GetItem', 'DeleteItem', 'Query'];
const signalling: readonly KeyPrefix[] = ['CONN#', 'MEETING#'];
export const handlerAccess: Readonly<Record<string, HandlerAccess>> = {
  'ws-authorize': { table: ['GetItem'], keys: ['CONFIG'], postsToConnections: false },
  'ws-connect': { table: [], keys: [], postsToConnections: false },
  'ws-disconnect': { table: relay, keys: signalling, postsToConnections: true },
  'ws-default': { table: [], keys: [], postsToConnections: true },
  // Also writes the account's history line, and makes the resume key with the signing secret.
  'ws-join': { table: [...relay, 'PutItem', 'UpdateItem'], keys: [...signalling, 'USER#', 'CONFIG'], postsToConnections: true },
  'ws-signal': { table: [...relay, 'BatchGetItem'], keys: signalling, postsToConnections: true },
  'ws-chat': { table: [...relay, 'PutItem', 'UpdateItem'], keys: signalling, postsToConnections: true },
  'ws-leave': { table: [...relay, 'PutItem'], keys: signalling, postsToConnections: true },
  'ws-ping': { table: [], keys: [], postsToConnections: true },
  'http-register': { table: ['GetItem', 'PutItem'], keys: ['ACCOUNT#', 'CONFIG'], postsToConnections: false },
  'http-login': { table: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['ACCOUNT#', 'CONFIG'], postsToConnections: false },
  'http-guest': { table: ['GetItem', 'PutItem'], keys: ['CONFIG'], postsToConnections: false },
  'http-refresh': { table: ['GetItem'], keys: ['CONFIG'], postsToConnections: false },
  'http-create-meeting': { table: ['GetItem', 'PutItem'], keys: ['MEETING#', 'USER#', 'CONFIG'], postsToConnections: false },
  'http-list-meetings': { table: ['GetItem', 'Query', 'BatchGetItem'], keys: ['USER#', 'MEETING#', 'CONFIG'], postsToConnections: false },
  'http-get-meeting': { table: ['GetItem'], keys: ['MEETING#'], postsToConnections: false },
  'http-ice-servers': { table: ['GetItem'], keys: ['CONFIG'], postsToConnections: false },
};
