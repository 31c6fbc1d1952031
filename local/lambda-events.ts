// Builds the events API Gateway hands to Lambda, field for field as ../shared/notes/aws-events.md
// records them, so the handlers run locally exactly as they do on AWS.
import { randomBytes } from 'node:crypto';

export const API_ID = 'local00000';
export const STAGE = 'local';

/** API Gateway's request and connection ids look like "Qm7rTh5JoAMCLbQ=" (and may contain + and /). */
export const awsId = () => randomBytes(11).toString('base64');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Common Log Format time, as in requestContext.requestTime: 05/Mar/2025:09:41:07 +0000. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface SocketInfo {
  connectionId: string;
  connectedAt: number;
  domainName: string;
  sourceIp: string;
  userAgent?: string;
  /** principalId plus the authorizer's context, values stringified as API Gateway does. */
  authorizer?: Record<string, string>;
}

function socketContext(socket: SocketInfo, routeKey: string, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT') {
  const now = Date.now();
  const requestId = awsId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: STAGE,
    connectedAt: socket.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: socket.sourceIp, ...(socket.userAgent ? { userAgent: socket.userAgent } : {}) },
    requestId,
    domainName: socket.domainName,
    connectionId: socket.connectionId,
    apiId: API_ID,
  };
}

const multi = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [v]]));

export function authorizerEvent(socket: SocketInfo, headers: Record<string, string>, query: Record<string, string>) {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:local:000000000000:${API_ID}/${STAGE}/$connect`,
    headers,
    multiValueHeaders: multi(headers),
    queryStringParameters: query,
    multiValueQueryStringParameters: multi(query),
    stageVariables: {},
    requestContext: socketContext(socket, '$connect', 'CONNECT'),
  };
}

export function connectEvent(socket: SocketInfo, headers: Record<string, string>, query: Record<string, string>) {
  return {
    headers,
    multiValueHeaders: multi(headers),
    ...(Object.keys(query).length ? { queryStringParameters: query, multiValueQueryStringParameters: multi(query) } : {}),
    requestContext: { ...socketContext(socket, '$connect', 'CONNECT'), authorizer: socket.authorizer },
    isBase64Encoded: false,
  };
}

export function messageEvent(socket: SocketInfo, routeKey: string, body: string) {
  return {
    requestContext: { ...socketContext(socket, routeKey, 'MESSAGE'), messageId: awsId(), authorizer: socket.authorizer },
    body,
    isBase64Encoded: false,
  };
}

export function disconnectEvent(socket: SocketInfo, code: number, reason: string) {
  const headers = { Host: socket.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return {
    headers,
    multiValueHeaders: multi(headers),
    requestContext: {
      ...socketContext(socket, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: code,
      disconnectReason: reason,
      authorizer: socket.authorizer,
    },
    isBase64Encoded: false,
  };
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript))/i;

export interface HttpRequestInfo {
  method: string;
  path: string;
  rawQueryString: string;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
  domainName: string;
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/** HTTP API payload format 2.0. */
export function httpEvent(req: HttpRequestInfo) {
  const now = Date.now();
  const requestId = awsId();
  const { cookie, ...headers } = req.headers;
  const query = new URLSearchParams(req.rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
  const text = TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: req.routeKey,
    rawPath: req.path,
    rawQueryString: req.rawQueryString,
    ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: API_ID,
      domainName: req.domainName,
      domainPrefix: req.domainName.split('.')[0],
      http: {
        method: req.method,
        path: req.path,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: req.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now,
    },
    ...(req.pathParameters ? { pathParameters: req.pathParameters } : {}),
    ...(req.body.length ? { body: text ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: req.body.length > 0 && !text,
  };
}
