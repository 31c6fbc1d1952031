// A local API Gateway HTTP API (payload format 2.0) over the route table's HTTP routes: matches
// "METHOD /path/{param}", builds the event, runs the handler, writes its structured result back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpRoutes, type HttpRoute } from '../functions/routes.js';
import { loadHandler } from './handlers.js';
import { httpEvent } from './lambda-events.js';

/** API Gateway's HTTP API payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  route: HttpRoute;
  pattern: RegExp;
  params: string[];
}

const compiled: CompiledRoute[] = httpRoutes.map((route) => {
  const params: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
});

interface StructuredResult {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

export async function handleHttpApi(req: IncomingMessage, res: ServerResponse, path: string, rawQueryString: string) {
  const match = findRoute(req.method ?? 'GET', path);
  if (!match) return send(res, 404, { 'content-type': 'application/json' }, '{"message":"Not Found"}');

  const body = await readBody(req);
  if (!body) return send(res, 413, { 'content-type': 'application/json' }, '{"message":"Request Entity Too Large"}');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const event = httpEvent({
    method: match.route.method,
    path,
    rawQueryString,
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    domainName: headers.host ?? 'localhost',
    routeKey: `${match.route.method} ${match.route.path}`,
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
  });
  let result: StructuredResult | string | undefined;
  try {
    result = (await (await loadHandler(match.route.handler))(event)) as StructuredResult | string;
  } catch (e) {
    console.error(`[local http api] ${match.route.handler} failed:`, e);
    return send(res, 500, { 'content-type': 'application/json' }, '{"message":"Internal Server Error"}');
  }
  // Like API Gateway: a result without statusCode is a 200 with the value as a JSON body.
  if (typeof result !== 'object' || result === null || result.statusCode === undefined) {
    return send(res, 200, { 'content-type': 'application/json' }, typeof result === 'string' ? result : JSON.stringify(result));
  }
  const out = result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? '');
  const allHeaders: Record<string, string | string[]> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) allHeaders['set-cookie'] = result.cookies;
  send(res, result.statusCode, allHeaders, out);
}

function findRoute(method: string, path: string) {
  for (const { route, pattern, params } of compiled) {
    if (route.method !== method) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    const pathParameters = params.length ? Object.fromEntries(params.map((p, i) => [p, m[i + 1]!])) : undefined;
    return { route, pathParameters };
  }
  return undefined;
}

/** The request body, or undefined when it is over the limit. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}
