// dynalite as DynamoDB: in memory, or persisted (LevelDB) under a data folder, with the one table created
// from the same schema the CDK stack declares.
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { tableSchema } from '../functions/adapters/table.js';
import { LocalStackError } from './errors.js';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynamo(dataDir: string | null, tableName: string): Promise<LocalDynamo> {
  if (dataDir) await claimDataDir(dataDir);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir ? { path: dataDir } : {}) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: tableSchema.partitionKey, AttributeType: 'S' },
          { AttributeName: tableSchema.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  }
  client.destroy();
  return {
    endpoint,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (dataDir) await rm(join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

const OWNER_FILE = 'meshmeet.pid';

/**
 * One process per data folder: LevelDB locks it, and dynalite then fails later with a bare "Database is
 * closed". Say so up front, naming the way out. A folder whose owner is no longer running is taken over.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const ownerFile = join(dataDir, OWNER_FILE);
  const owner = Number(await readFile(ownerFile, 'utf8').catch(() => ''));
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && running(owner)) {
    throw new LocalStackError(
      `Another Meshmeet (process ${owner}) is using ${dataDir}. Stop it, or start this one with --data <another folder> or --in-memory. ` +
        `(If no Meshmeet is running, process ${owner} is something else: delete ${ownerFile}.)`,
    );
  }
  await writeFile(ownerFile, String(process.pid));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
