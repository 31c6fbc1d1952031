// The deployer's options: read from CDK context (`-c key=value`, or the "context" block of cdk.json),
// checked once, and handed to the stack as one typed object. Every option is described in docs/deploy.md.
// Values from `-c` arrive as strings, values from cdk.json as JSON, so every reader accepts both.

/** Read-only view of CDK context; `app.node` satisfies it, and tests can pass a plain object. */
export interface ContextSource {
  tryGetContext(key: string): unknown;
}

export interface MeshmeetConfig {
  /** CloudFormation stack name; a second name deploys a second, independent copy (e.g. staging). */
  stackName: string;
  /** STUN servers put into /config.json and handed out by GET /ice-servers. */
  stunUrls: string[];
  /** TURN servers (coturn with use-auth-secret); credentials are minted per user by GET /ice-servers. */
  turnUrls: string[];
  /** coturn's static-auth-secret. */
  turnSecret?: string;
  /** Custom domain for the site, e.g. meet.example.com; needs certificateArn. */
  domainName?: string;
  /** ACM certificate for domainName; CloudFront only accepts certificates from us-east-1. */
  certificateArn?: string;
  /** Extra origins the HTTP API accepts (CORS), e.g. http://localhost:5173 for a local web dev server. */
  allowedOrigins: string[];
  /** Keep the DynamoDB table (accounts, meetings) when the stack is destroyed. */
  retainData: boolean;
  bcryptCost: number;
  tokenTtlSeconds: number;
  /** Meeting size cap; unset leaves the handlers' own default. */
  maxParticipants?: number;
}

/** Google's public STUN server: free, reliable, and what most WebRTC samples use. It sees participants' public IPs. */
export const DEFAULT_STUN_URLS = ['stun:stun.l.google.com:19302'];

/** The context keys this module reads, for docs and error messages. */
export const CONFIG_KEYS = [
  'stackName',
  'stunUrls',
  'turnUrls',
  'turnSecret',
  'domainName',
  'certificateArn',
  'allowedOrigins',
  'retainData',
  'bcryptCost',
  'tokenTtlSeconds',
  'maxParticipants',
] as const;

/** The TURN secret can also come from the environment, so it stays out of shell history and cdk.json. */
export const TURN_SECRET_ENV = 'MESHMEET_TURN_SECRET';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Ranges match functions/adapters/env.ts, which rejects anything outside them at run time;
// failing here instead turns a broken deployment into a synth error.
const RANGES = {
  bcryptCost: { min: 4, max: 15, fallback: 10 },
  tokenTtlSeconds: { min: 60, max: 30 * 24 * 3600, fallback: 12 * 3600 },
  maxParticipants: { min: 2, max: 100 },
} as const;

export function readConfig(context: ContextSource, env: NodeJS.ProcessEnv = process.env): MeshmeetConfig {
  const raw = (key: (typeof CONFIG_KEYS)[number]) => context.tryGetContext(key);

  const stackName = text(raw('stackName'), 'stackName') ?? 'Meshmeet';
  // At most 40: CloudFront names built from it (with the region, which synth cannot see) allow 64 characters.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(stackName)) {
    fail('stackName', stackName, 'use at most 40 letters, digits and hyphens, starting with a letter');
  }

  const stunUrls = raw('stunUrls') === undefined ? DEFAULT_STUN_URLS : list(raw('stunUrls'), 'stunUrls');
  for (const url of stunUrls) {
    if (!/^stuns?:[^\s,]+$/.test(url)) fail('stunUrls', url, 'each STUN URL looks like stun:host:port');
  }

  const turnUrls = list(raw('turnUrls'), 'turnUrls');
  for (const url of turnUrls) {
    if (!/^turns?:[^\s,]+$/.test(url)) fail('turnUrls', url, 'each TURN URL looks like turn:host:3478 or turns:host:5349');
  }
  const turnSecret = text(raw('turnSecret'), 'turnSecret') ?? (env[TURN_SECRET_ENV] || undefined);
  if (turnUrls.length > 0 && !turnSecret) {
    throw new ConfigError(`turnUrls is set but turnSecret is not: pass -c turnSecret=... or set ${TURN_SECRET_ENV} (coturn's static-auth-secret).`);
  }
  if (turnSecret && turnUrls.length === 0) {
    throw new ConfigError('turnSecret is set but turnUrls is not: pass -c turnUrls=turn:your-turn-host:3478');
  }
  if (turnSecret && turnSecret.length < 16) {
    throw new ConfigError('turnSecret is too short: use at least 16 random characters (e.g. `openssl rand -hex 32`).');
  }

  const domainName = text(raw('domainName'), 'domainName')?.toLowerCase();
  const certificateArn = text(raw('certificateArn'), 'certificateArn');
  if (domainName !== undefined) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
      fail('domainName', domainName, 'give a host name such as meet.example.com, without https://');
    }
    if (!certificateArn) throw new ConfigError('domainName is set but certificateArn is not: CloudFront needs an ACM certificate for it (in us-east-1).');
  }
  if (certificateArn !== undefined) {
    if (!domainName) throw new ConfigError('certificateArn is set but domainName is not: pass -c domainName=meet.example.com');
    const match = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/.exec(certificateArn);
    if (!match) fail('certificateArn', certificateArn, 'expected arn:aws:acm:us-east-1:<account>:certificate/<id>');
    if (match[1] !== 'us-east-1') {
      fail('certificateArn', certificateArn, `the certificate is in ${match[1]}, but CloudFront only uses certificates from us-east-1: request one there`);
    }
  }

  const allowedOrigins = list(raw('allowedOrigins'), 'allowedOrigins');
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) {
      fail('allowedOrigins', origin, 'an origin is scheme://host[:port] with no path or trailing slash, e.g. http://localhost:5173');
    }
  }

  return {
    stackName,
    stunUrls,
    turnUrls,
    ...(turnSecret ? { turnSecret } : {}),
    ...(domainName ? { domainName } : {}),
    ...(certificateArn ? { certificateArn } : {}),
    allowedOrigins,
    retainData: bool(raw('retainData'), 'retainData') ?? true,
    bcryptCost: int(raw('bcryptCost'), 'bcryptCost', RANGES.bcryptCost) ?? RANGES.bcryptCost.fallback,
    tokenTtlSeconds: int(raw('tokenTtlSeconds'), 'tokenTtlSeconds', RANGES.tokenTtlSeconds) ?? RANGES.tokenTtlSeconds.fallback,
    ...optional('maxParticipants', int(raw('maxParticipants'), 'maxParticipants', RANGES.maxParticipants)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function fail(key: string, value: unknown, hint: string): never {
  throw new ConfigError(`Invalid ${key} ${JSON.stringify(value)}: ${hint}.`);
}

function text(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(key, value, 'expected a string');
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A JSON array of strings, or one string: comma-separated, or itself a JSON array (`-c 'x=["a","b"]'`). */
function list(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  let items: unknown = value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        items = JSON.parse(trimmed);
      } catch {
        fail(key, value, 'not valid JSON; use a comma-separated list instead');
      }
    } else {
      items = trimmed.split(',');
    }
  }
  if (!Array.isArray(items) || items.some((i) => typeof i !== 'string')) fail(key, value, 'expected a list of strings');
  return (items as string[]).map((s) => s.trim()).filter(Boolean);
}

function bool(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  fail(key, value, 'expected true or false');
}

function int(value: unknown, key: string, range: { min: number; max: number }): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) fail(key, value, `expected a whole number from ${range.min} to ${range.max}`);
  return n;
}
