// The one DynamoDB table that holds everything (accounts, meetings, connections, signing secret), shaped by
// functions/adapters/table.ts as the local stack's is. Grants are per action: exactly what routes.ts lists.
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableSchema } from '../../functions/adapters/table.js';
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

  /** Allows exactly these actions on the table (no indexes exist, so the table ARN is the only resource). */
  grantActions(grantee: iam.IGrantable, actions: readonly TableAction[]): void {
    if (actions.length === 0) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [this.table.tableArn],
      }),
    );
  }
}
