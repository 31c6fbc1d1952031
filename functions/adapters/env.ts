// The one checked accessor for configuration from the environment. The CDK stack and the local stack set
// these variables; the list of names is in ../routes.ts (handlerEnvironment).

function read(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function number(name: string, fallback: number, min: number, max: number): number {
  const raw = read(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return n;
}

const list = (name: string) => (read(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const env = {
  tableName: () => {
    const name = read('TABLE_NAME');
    if (!name) throw new Error('TABLE_NAME is not set');
    return name;
  },
  /** Only the local stack sets this: dynalite's address. On AWS the SDK finds DynamoDB itself. */
  dynamoEndpoint: () => read('DYNAMODB_ENDPOINT'),
  /** Only the local stack sets this: the key its @connections API takes from the handlers (IAM's stand-in). */
  localManagementKey: () => read('LOCAL_MANAGEMENT_KEY'),
  bcryptCost: () => number('BCRYPT_COST', 10, 4, 15),
  tokenTtlSeconds: () => number('TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
  // A video mesh sends one stream per other person: past ~8 an ordinary uplink gives out.
  maxParticipants: () => number('MAX_PARTICIPANTS', 8, 2, 100),
  stunUrls: () => list('STUN_URLS'),
  turnUrls: () => list('TURN_URLS'),
  turnSecret: () => read('TURN_SECRET'),
};
