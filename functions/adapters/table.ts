// The shape of the one DynamoDB table, read by the CDK stack and by the local stack alike.
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items (up to ~48 h late, so reads filter them too). */
  timeToLiveAttribute: 'expiresAt',
} as const;

/**
 * How every partition key begins, by item kind (docs/data-model.md). IAM lets each function touch only the
 * partitions routes.ts's handlerAccess names by these, so every key is built from one of them.
 */
export const partitionPrefix = {
  account: 'ACCOUNT#',
  meeting: 'MEETING#',
  connection: 'CONN#',
  user: 'USER#',
  /** A whole key rather than a prefix: the one partition of configuration (the token signing secret). */
  config: 'CONFIG',
} as const;

export type KeyPrefix = (typeof partitionPrefix)[keyof typeof partitionPrefix];
