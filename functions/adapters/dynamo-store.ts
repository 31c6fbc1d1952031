// The domain's stores over one DynamoDB table (single-table design, keys in docs/data-model.md).
// Every access is a single-item or batch request: no transactions (dynalite has none, and none are needed).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type {
  Account,
  AccountStore,
  ConnectionRecord,
  HistoryRecord,
  MeetingRecord,
  MeetingSnapshot,
  MeetingStore,
  Participant,
  SecretStore,
  SignallingStore,
  StoredChat,
} from '../domain/ports.js';
import { partitionPrefix } from './table.js';

type Item = Record<string, unknown>;

/** Partition of every item kind, each under its prefix: what IAM grants are written in (functions/routes.ts). */
const partition = {
  account: (email: string) => `${partitionPrefix.account}${email.toLowerCase()}`,
  meeting: (code: string) => `${partitionPrefix.meeting}${code}`,
  connection: (connectionId: string) => `${partitionPrefix.connection}${connectionId}`,
  user: (userId: string) => `${partitionPrefix.user}${userId}`,
  config: () => partitionPrefix.config,
};

/** Key of every item kind, in one place. */
export const keys = {
  account: (email: string) => ({ pk: partition.account(email), sk: 'ACCOUNT' }),
  meeting: (code: string) => ({ pk: partition.meeting(code), sk: 'META' }),
  participant: (code: string, peerId: string) => ({ pk: partition.meeting(code), sk: `PEER#${peerId}` }),
  chat: (code: string, at: number, id: string) => ({ pk: partition.meeting(code), sk: `CHAT#${String(at).padStart(15, '0')}#${id}` }),
  connection: (connectionId: string) => ({ pk: partition.connection(connectionId), sk: 'CONN' }),
  history: (userId: string, code: string) => ({ pk: partition.user(userId), sk: `MEETING#${code}` }),
  secret: () => ({ pk: partition.config(), sk: 'TOKEN_SECRET' }),
};

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';

const strip = <T>(item: Item | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
};

export class DynamoStore implements AccountStore, MeetingStore, SignallingStore, SecretStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  // ---- accounts ----

  async createAccount(account: Account): Promise<boolean> {
    return this.#putIfAbsent({ ...keys.account(account.email), ...account });
  }

  async findAccount(email: string): Promise<Account | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.account(email), ConsistentRead: true }),
    );
    return strip<Account>(Item);
  }

  countSignInAttempt(email: string, seen: number, at: number): Promise<boolean> {
    return this.#conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.account(email),
          UpdateExpression: 'SET failedSignIns = :next, lastFailedSignInAt = :at',
          // Never a new item (an account deleted meanwhile stays deleted), and only over the count we read.
          ConditionExpression: 'attribute_exists(pk) AND (failedSignIns = :seen OR attribute_not_exists(failedSignIns))',
          ExpressionAttributeValues: { ':seen': seen, ':next': seen + 1, ':at': at },
        }),
      ),
    );
  }

  async clearFailedSignIns(email: string): Promise<void> {
    await this.#conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.account(email),
          UpdateExpression: 'REMOVE failedSignIns, lastFailedSignInAt',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  // ---- meetings ----

  async createMeeting(meeting: MeetingRecord, history: HistoryRecord | undefined): Promise<boolean> {
    if (!(await this.#putIfAbsent({ ...keys.meeting(meeting.code), ...meeting }))) return false;
    if (history) await this.db.send(new PutCommand({ TableName: this.table, Item: historyItem(history) }));
    return true;
  }

  async getMeeting(code: string): Promise<MeetingRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.meeting(code) }));
    return strip<MeetingRecord>(Item);
  }

  async getMeetings(codes: string[]): Promise<MeetingRecord[]> {
    const items = await this.#batchGet(codes.map(keys.meeting), false);
    return items.map((i) => strip<MeetingRecord>(i)!);
  }

  async listHistory(userId: string): Promise<HistoryRecord[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition.user(userId), ':prefix': 'MEETING#' },
    });
    return items.map((i) => ({ userId, code: String(i.code), lastJoinedAt: Number(i.lastJoinedAt) }));
  }

  // ---- signalling ----

  claimConnection(connection: ConnectionRecord, nowSeconds: number): Promise<boolean> {
    return this.#conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: connectionItem(connection),
          // No seat yet (never joined, or left), or one whose record outlived its socket.
          ConditionExpression: 'attribute_not_exists(peerId) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      ),
    );
  }

  async getParticipant(meeting: string, peerId: string): Promise<Participant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.participant(meeting, peerId), ConsistentRead: true }),
    );
    return strip<Participant>(Item);
  }

  async addParticipant(participant: Participant): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: participantItem(participant) }));
  }

  async countChat(seat: Participant, window: number, max: number): Promise<boolean> {
    const update = (expression: string, condition: string, values: Record<string, number>) =>
      this.#conditional(() =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.participant(seat.meeting, seat.peerId),
            UpdateExpression: expression,
            // Only the seat as it is on this socket: never a new item, nor one a resume moved elsewhere.
            ConditionExpression: `attribute_exists(pk) AND connectionId = :c AND (${condition})`,
            ExpressionAttributeValues: { ':c': seat.connectionId, ':w': window, ...values },
          }),
        ),
      );
    // One more in the window under way; else the first of a new one; else another message started this
    // window between the two, and it is counted in that. Each write is atomic: none is lost to a race.
    const addOne = () => update('SET chatSent = chatSent + :one', 'chatWindow = :w AND chatSent < :max', { ':one': 1, ':max': max });
    return (
      (await addOne()) ||
      (await update('SET chatWindow = :w, chatSent = :one', 'attribute_not_exists(chatWindow) OR chatWindow < :w', { ':one': 1 })) ||
      addOne()
    );
  }

  async saveHistory(history: HistoryRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: historyItem(history) }));
  }

  async readMeeting(code: string, chatLimit: number): Promise<MeetingSnapshot> {
    // Newest first, sort keys descend PEER# > META > CHAT#: participants, the meeting, then recent chat,
    // so the query can stop once it has enough chat. One strongly consistent read in the usual case.
    const snapshot: MeetingSnapshot = { participants: [], chat: [] };
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition.meeting(code) },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: chatLimit + 40,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith('PEER#')) snapshot.participants.push(strip<Participant>(item)!);
        else if (sk === 'META') snapshot.meeting = strip<MeetingRecord>(item);
        else if (sk.startsWith('CHAT#') && snapshot.chat.length < chatLimit) snapshot.chat.push(strip<StoredChat>(item)!);
      }
      start = page.LastEvaluatedKey;
    } while (start && snapshot.chat.length < chatLimit);
    snapshot.chat.reverse();
    return snapshot;
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.connection(connectionId), ConsistentRead: true }),
    );
    return strip<ConnectionRecord>(Item);
  }

  async getSenderAndTarget(connectionId: string, meeting: string, targetPeerId: string) {
    const items = await this.#batchGet([keys.connection(connectionId), keys.participant(meeting, targetPeerId)], true);
    const find = (pk: string) => items.find((i) => i.pk === pk);
    return {
      sender: strip<ConnectionRecord>(find(partition.connection(connectionId))),
      target: strip<Participant>(find(partition.meeting(meeting))),
    };
  }

  async removeParticipant(meeting: string, peerId: string, connectionId: string): Promise<Participant | undefined> {
    let removed: Participant | undefined;
    await this.#conditional(async () => {
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.participant(meeting, peerId),
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId },
          ReturnValues: 'ALL_OLD',
        }),
      );
      removed = strip<Participant>(Attributes);
    });
    return removed;
  }

  restoreParticipant(seat: Participant, connectionId: string): Promise<boolean> {
    return this.#conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: participantItem(seat),
          ConditionExpression: 'connectionId = :c',
          ExpressionAttributeValues: { ':c': connectionId },
        }),
      ),
    );
  }

  /** Writes a connection record as given, unconditionally: for seeding records in tests, never for the domain. */
  async saveConnection(connection: ConnectionRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: connectionItem(connection) }));
  }

  releaseClaim(connection: ConnectionRecord, peerId: string): Promise<boolean> {
    return this.#conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: connectionItem(connection),
          ConditionExpression: 'peerId = :p',
          ExpressionAttributeValues: { ':p': peerId },
        }),
      ),
    );
  }

  admitConnection(connectionId: string, peerId: string): Promise<boolean> {
    return this.#conditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.connection(connectionId),
          UpdateExpression: 'SET admitted = :t',
          ConditionExpression: 'peerId = :p',
          ExpressionAttributeValues: { ':p': peerId, ':t': true },
        }),
      ),
    );
  }

  async deleteConnection(connectionId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.connection(connectionId) }));
  }

  async addChat(chat: StoredChat): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.chat(chat.meeting, chat.at, chat.id), ...chat } }));
  }

  async listParticipants(meeting: string): Promise<Participant[]> {
    const items = await this.#queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': partition.meeting(meeting), ':prefix': 'PEER#' },
      ConsistentRead: true,
    });
    return items.map((i) => strip<Participant>(i)!);
  }

  // ---- secret ----

  async getSecret(create: boolean): Promise<string | undefined> {
    const read = async () =>
      (await this.db.send(new GetCommand({ TableName: this.table, Key: keys.secret(), ConsistentRead: true }))).Item
        ?.secret as string | undefined;
    const found = await read();
    if (found || !create) return found;
    const secret = randomBytes(32).toString('base64url');
    // Two cold starts may race to create it; the loser reads the winner's.
    return (await this.#putIfAbsent({ ...keys.secret(), secret })) ? secret : read();
  }

  // ---- helpers ----

  #putIfAbsent(Item: Item): Promise<boolean> {
    return this.#conditional(() =>
      this.db.send(new PutCommand({ TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  /** Runs a conditional write; false when its condition did not hold (nothing was written). */
  async #conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async #queryAll(params: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...params, TableName: this.table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async #batchGet(allKeys: Item[], consistent: boolean): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < allKeys.length; i += 100) {
      let pending: Item[] | undefined = allKeys.slice(i, i + 100);
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt) await backoff(attempt);
        const out: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: consistent } } }),
        );
        items.push(...(out.Responses?.[this.table] ?? []));
        pending = out.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return items;
  }
}

/** Unprocessed batch items come back under throttling; AWS asks for exponential backoff. */
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt * Math.random())));

const participantItem = (p: Participant): Item => ({ ...keys.participant(p.meeting, p.peerId), ...p });
const connectionItem = (c: ConnectionRecord): Item => ({ ...keys.connection(c.connectionId), ...c });
const historyItem = (h: HistoryRecord): Item => ({ ...keys.history(h.userId, h.code), ...h });
