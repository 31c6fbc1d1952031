// The shape of the one DynamoDB table, read by the CDK stack and by the local stack alike.
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items (up to ~48 h late, so reads filter them too). */
  timeToLiveAttribute: 'expiresAt',
} as const;
