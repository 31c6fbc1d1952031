// Counts the DynamoDB requests the handlers make, by command, through a middleware on the very client
// they use (the local stack runs them in this process). Used to hold the design's cost promises, and to
// check each handler against its IAM grant: the actions it calls and the partitions (by key prefix) it reaches.
import { dynamoClient } from '../../functions/adapters/dynamo-client.js';
import { tableSchema } from '../../functions/adapters/table.js';

type Input = Record<string, any>;

export interface Measured {
  /** Requests by command name (`GetItem`, `Query`, ...). */
  actions: Record<string, number>;
  /**
   * Partition-key prefixes the requests reached: each key up to and including its first '#', or the whole key
   * when it has none (CONFIG). A request the meter cannot read keys from is listed as `<why>`, which no grant
   * names, so it fails the check instead of passing unseen.
   */
  prefixes: string[];
}

export class DynamoMeter {
  #counts = new Map<string, number>();
  #prefixes = new Set<string>();
  #on = false;

  constructor() {
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        if (this.#on) {
          const name = String(context.commandName).replace(/Command$/, '');
          this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
          for (const prefix of prefixesOf(name, args.input as Input)) this.#prefixes.add(prefix);
        }
        return next(args);
      },
      { step: 'initialize', name: 'meshmeetMeter' },
    );
  }

  /** Counts requests made while `run` runs (and `settle` waits for the gateway's invocations). */
  async measure(run: () => Promise<unknown>): Promise<Record<string, number>> {
    return (await this.measureAccess(run)).actions;
  }

  /** The requests made while `run` runs, with the partitions they reached. */
  async measureAccess(run: () => Promise<unknown>): Promise<Measured> {
    this.#counts.clear();
    this.#prefixes.clear();
    this.#on = true;
    try {
      await run();
    } finally {
      this.#on = false;
    }
    return { actions: Object.fromEntries([...this.#counts].sort()), prefixes: [...this.#prefixes].sort() };
  }
}

const PK = tableSchema.partitionKey;

/** The partition-key prefixes one request reaches, the way IAM's dynamodb:LeadingKeys sees its keys. */
function prefixesOf(command: string, input: Input): string[] {
  if (input.IndexName) return [`<${command} on index ${input.IndexName}: its partition key is not pk>`];
  switch (command) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [prefixOf(input.Key?.[PK])];
    case 'PutItem':
      return [prefixOf(input.Item?.[PK])];
    case 'Query':
      return [prefixOf(queriedPartition(input))];
    case 'BatchGetItem':
      return Object.values(input.RequestItems ?? {}).flatMap((table: any) => (table.Keys ?? []).map((key: Input) => prefixOf(key[PK])));
    case 'BatchWriteItem':
      return Object.values(input.RequestItems ?? {}).flatMap((writes: any) =>
        (writes ?? []).map((write: Input) => prefixOf((write.PutRequest?.Item ?? write.DeleteRequest?.Key)?.[PK])),
      );
    default:
      // Scan reads every partition; anything else here is new to the meter and must be taught first.
      return [`<${command}: keys not read>`];
  }
}

/** The value a Query's key condition requires of pk: `pk = :v` (or `#name = :v` with #name for pk). */
function queriedPartition(input: Input): unknown {
  if (input.KeyConditions) return input.KeyConditions[PK]?.AttributeValueList?.[0]; // the legacy form
  const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
  for (const [, left, right] of String(input.KeyConditionExpression ?? '').matchAll(/([#:]?\w+)\s*=\s*([#:]?\w+)/g)) {
    const [name, value] = left!.startsWith(':') ? [right!, left!] : [left!, right!];
    if ((names[name] ?? name) === PK && value.startsWith(':')) return input.ExpressionAttributeValues?.[value];
  }
  return undefined;
}

function prefixOf(key: unknown): string {
  // The document client's input holds plain strings; a low-level client's, attribute values ({ S: '...' }).
  const value = typeof key === 'string' ? key : (key as { S?: unknown } | undefined)?.S;
  if (typeof value !== 'string') return '<no partition key found>';
  const hash = value.indexOf('#');
  return hash === -1 ? value : value.slice(0, hash + 1);
}
