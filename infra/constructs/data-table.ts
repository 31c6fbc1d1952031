// The one DynamoDB table that holds everything (accounts, meetings, connections, signing secret), shaped by
// functions/adapters/table.ts as the local stack's is. Grants are per action and per partition-key prefix:
// exactly what routes.ts lists.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableSchema, type KeyPrefix } from '../../functions/adapters/table.js';
import type { TableAction } from '../../functions/routes.js';

export interface DataTableProps {
  /** RETAIN keeps accounts and meeting history through `cdk destroy`; DESTROY removes them with the stack. */
  retain: boolean;
}

export class DataTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: dynamodb.AttributeType.STRING },
      // On-demand: nothing is paid while no meeting runs, which is the point of the product.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Items that should vanish by themselves (e.g. connections) carry an expiry in epoch seconds;
      // DynamoDB deletes them up to ~48 h late, so the handlers also filter expired items on read.
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  /**
   * Allows exactly these actions on the table (no indexes exist, so the table ARN is the only resource), and
   * only on items whose partition key begins with one of `keys`.
   */
  grantActions(grantee: iam.IGrantable, actions: readonly TableAction[], keys: readonly KeyPrefix[]): void {
    if (actions.length === 0) return;
    if (keys.length === 0) throw new Error(`Table actions ${actions.join(', ')} need the key prefixes they may reach.`);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [this.table.tableArn],
        conditions: {
          // dynamodb:LeadingKeys is every partition key a request names: a Query's, each key of a batch. All of
          // them must match; `PREFIX#*` is that partition kind, and CONFIG (no '#') is one exact key.
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys.map((prefix) => (prefix.endsWith('#') ? `${prefix}*` : prefix)) },
          // ForAllValues also holds when a request names no partition key at all; AWS advises requiring the key.
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
  }
}
