// One Lambda function for one handler module (functions/handlers/<name>.ts), built the same way for all:
// Node 22 on arm64, an ESM bundle with source maps, its own log group with bounded retention, and its own
// role that starts with no permissions at all; callers grant exactly what the function needs.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface HandlerFunctionProps {
  /** Handler module name from routes.ts, e.g. `ws-join`. */
  handler: string;
  /** Absolute path of the module. */
  entry: string;
  projectRoot: string;
  lockFile: string;
  environment: Record<string, string>;
  memorySize: number;
}

// esbuild's ESM output turns a CJS dependency's `require()` into a shim that throws unless `require`
// exists; Node gives ES modules none, so the banner makes one.
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);

    // Created here rather than by Lambda so that it has a retention (Lambda's own never expires) and goes
    // away with the stack.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the default one, whose AWSLambdaBasicExecutionRole may write to any log group.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Meshmeet ${props.handler}`,
    });
    logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      description: `Meshmeet ${props.handler}`,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: props.lockFile,
      runtime: lambda.Runtime.NODEJS_22_X,
      // Graviton: about 20% cheaper per GB-second than x86, and the bundle is plain JavaScript.
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      // Every handler does a few DynamoDB calls and some PostToConnection calls; 10 s is far above normal
      // and far below API Gateway's 29 s, so a stuck call fails fast and visibly.
      timeout: Duration.seconds(10),
      role,
      logGroup,
      environment: {
        ...props.environment,
        // Stack traces point into the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Line mappings are enough for readable stack traces; embedding the sources would add ~400 KB.
        sourcesContent: false,
        // The Node 22 runtime ships AWS SDK v3; leaving it out keeps bundles ~20 KB and cold starts short.
        externalModules: ['@aws-sdk/*'],
        // Prefer packages' ES module builds, which tree-shake; fall back to CJS.
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
      },
    });
  }
}
