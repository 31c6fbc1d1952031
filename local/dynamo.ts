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
      if (dataDir) await releaseDataDir(dataDir);
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
  // Created exclusively ('wx'), so that of two processes starting at once only one gets the folder.
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeFile(ownerFile, String(process.pid), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 1) throw error;
    }
    const owner = await ownerOf(ownerFile);
    if (owner === process.pid) return; // this process's own second stack (tests)
    if (owner !== undefined && running(owner)) {
      throw new LocalStackError(
        `Another Meshmeet (process ${owner}) is using ${dataDir}. Stop it, or start this one with --data <another folder> or --in-memory. ` +
          `(If no Meshmeet is running, process ${owner} is something else: delete ${ownerFile}.)`,
      );
    }
    await rm(ownerFile, { force: true }); // left by a process that is gone: take it over
  }
}

async function releaseDataDir(dataDir: string): Promise<void> {
  const ownerFile = join(dataDir, OWNER_FILE);
  if ((await ownerOf(ownerFile)) === process.pid) await rm(ownerFile, { force: true });
}

async function ownerOf(ownerFile: string): Promise<number | undefined> {
  const pid = Number(await readFile(ownerFile, 'utf8').catch(() => ''));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
