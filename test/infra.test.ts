// The CDK stack against the route table and the security rules of issue 4: routes come from routes.ts and
// nothing else, each function holds exactly the permissions handlerAccess lists (actions and partitions), the
// site is private behind CloudFront with a strict CSP. Template tests share a few in-process synths; one test
// runs the real CLI.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Annotations as CdkAnnotations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allHandlers,
  handlerAccess,
  handlerEnvironment,
  httpRoutes,
  routeSelectionExpression,
  webSocketAuthorizer,
  webSocketRoutes,
} from '../functions/routes.js';
import { ConfigError, DEFAULT_STUN_URLS, readConfig } from '../infra/config.js';
import { contentSecurityPolicy } from '../infra/constructs/security-headers.js';
import { repoRoot } from '../infra/paths.js';
import { actions, byId, flatten, handlerFunctions, invokedFunction, only, resources, roleIdOf, roleStatements, type Resource } from './infra/queries.js';
import { build, cleanUp, synth, type Synthesized } from './infra/synth.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const everyOption = {
  stackName: 'MeshmeetStaging',
  domainName: 'meet.example.com',
  certificateArn: CERT,
  allowedOrigins: 'http://localhost:5173',
  turnUrls: 'turn:turn.example.com:3478,turns:turn.example.com:5349',
  turnSecret: 'a-long-enough-shared-secret',
  stunUrls: '["stun:stun.example.com:3478"]',
  retainData: 'false',
  bcryptCost: '12',
  tokenTtlSeconds: 3600,
  maxParticipants: '6',
};

let plain: Synthesized;
let custom: Synthesized;
beforeAll(() => {
  plain = synth();
  custom = synth(everyOption);
});
afterAll(cleanUp);

function fnOf(s: Synthesized, handler: string): [string, Resource] {
  const found = handlerFunctions(s.template).get(handler);
  if (!found) throw new Error(`no function for ${handler}`);
  return found;
}

function csp(s: Synthesized): string {
  const [, policy] = only(s.template, 'AWS::CloudFront::ResponseHeadersPolicy');
  return flatten(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
}

function directive(policy: string, name: string): string[] {
  const found = policy.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  if (!found) throw new Error(`CSP has no ${name}: ${policy}`);
  return found.slice(1);
}

/** The /config.json the Pages deployment uploads, with deploy-time tokens rendered by flatten(). */
function clientConfig(s: Synthesized): Record<string, unknown> {
  const deployment = resources(s.template, 'Custom::CDKBucketDeployment').find(([id]) => id.includes('Pages'));
  if (!deployment) throw new Error('no Pages deployment');
  const props = deployment[1].Properties;
  const keys = props.SourceObjectKeys as string[];
  const markers = props.SourceMarkers as Record<string, unknown>[];
  for (const [i, key] of keys.entries()) {
    const file = join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json');
    if (!existsSync(file)) continue;
    let text = readFileSync(file, 'utf8');
    for (const [marker, value] of Object.entries(markers[i] ?? {})) text = text.replaceAll(marker, flatten(value));
    return JSON.parse(text) as Record<string, unknown>;
  }
  throw new Error('no config.json among the Pages sources');
}

describe('data table', () => {
  it('is one on-demand pk/sk table with TTL on expiresAt and point-in-time recovery', () => {
    const [, table] = only(plain.template, 'AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('survives a destroy by default, and not with retainData=false', () => {
    expect(only(plain.template, 'AWS::DynamoDB::Table')[1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(only(custom.template, 'AWS::DynamoDB::Table')[1]).toMatchObject({ DeletionPolicy: 'Delete' });
  });
});

describe('signalling (WebSocket) API', () => {
  it('selects routes by the route table expression', () => {
    const apis = resources(plain.template, 'AWS::ApiGatewayV2::Api').filter(([, api]) => api.Properties.ProtocolType === 'WEBSOCKET');
    expect(apis).toHaveLength(1);
    expect(apis[0]![1].Properties.RouteSelectionExpression).toBe(routeSelectionExpression);
  });

  it('has exactly the routes of webSocketRoutes, each invoking its own handler', () => {
    const wsApiId = only(plain.template, 'AWS::ApiGatewayV2::Authorizer')[1].Properties.ApiId.Ref as string;
    const routes = resources(plain.template, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.ApiId.Ref === wsApiId);
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(webSocketRoutes.map((r) => r.routeKey).sort());

    for (const route of webSocketRoutes) {
      const [, found] = routes.find(([, r]) => r.Properties.RouteKey === route.routeKey)!;
      const integrationId = (found.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      const uri = byId(plain.template, 'AWS::ApiGatewayV2::Integration', integrationId.Ref).Properties.IntegrationUri;
      expect(invokedFunction(uri), route.routeKey).toBe(fnOf(plain, route.handler)[0]);
    }
  });

  it('authorizes $connect only, with a REQUEST authorizer reading the token from the query string', () => {
    const [authorizerId, authorizer] = only(plain.template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: [`route.request.querystring.${webSocketAuthorizer.tokenQueryParameter}`],
    });
    expect(invokedFunction(authorizer.Properties.AuthorizerUri)).toBe(fnOf(plain, webSocketAuthorizer.handler)[0]);

    const authorized = resources(plain.template, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.AuthorizerId);
    expect(authorized.map(([, r]) => r.Properties.RouteKey)).toEqual(['$connect']);
    expect(authorized[0]![1].Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
  });

  it('deploys one auto-deployed, throttled stage', () => {
    const stages = resources(plain.template, 'AWS::ApiGatewayV2::Stage').filter(([, s]) => s.Properties.StageName === 'live');
    expect(stages).toHaveLength(1);
    expect(stages[0]![1].Properties).toMatchObject({
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) },
    });
  });
});

describe('HTTP API', () => {
  const httpApiId = (s: Synthesized) =>
    resources(s.template, 'AWS::ApiGatewayV2::Api').find(([, api]) => api.Properties.ProtocolType === 'HTTP')![0];

  it('has exactly the routes of httpRoutes, each invoking its own handler', () => {
    const apiId = httpApiId(plain);
    const routes = resources(plain.template, 'AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.ApiId.Ref === apiId);
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(httpRoutes.map((r) => `${r.method} ${r.path}`).sort());

    for (const route of httpRoutes) {
      const [, found] = routes.find(([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`)!;
      const integrationId = (found.Properties.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      const integration = byId(plain.template, 'AWS::ApiGatewayV2::Integration', integrationId.Ref).Properties;
      expect(integration.PayloadFormatVersion).toBe('2.0');
      expect(invokedFunction(integration.IntegrationUri), route.path).toBe(fnOf(plain, route.handler)[0]);
    }
  });

  it("allows CORS from the site's CloudFront URL and the configured origins only", () => {
    const [distributionId] = only(plain.template, 'AWS::CloudFront::Distribution');
    const cors = byId(plain.template, 'AWS::ApiGatewayV2::Api', httpApiId(plain)).Properties.CorsConfiguration;
    expect(cors.AllowOrigins.map(flatten)).toEqual([`https://{${distributionId}.DomainName}`]);
    expect(cors.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(cors.AllowCredentials).toBeUndefined();

    const customCors = byId(custom.template, 'AWS::ApiGatewayV2::Api', httpApiId(custom)).Properties.CorsConfiguration;
    expect(customCors.AllowOrigins).toEqual(['https://meet.example.com', 'http://localhost:5173']);
  });

  it('runs on a throttled $default stage', () => {
    const stages = resources(plain.template, 'AWS::ApiGatewayV2::Stage').filter(([, s]) => s.Properties.StageName === '$default');
    expect(stages).toHaveLength(1);
    expect(stages[0]![1].Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number) });
  });
});

describe('handler functions', () => {
  it('exist once per handler module, and only those carry the Meshmeet description', () => {
    expect([...handlerFunctions(plain.template).keys()].sort()).toEqual([...allHandlers].sort());
  });

  it('run Node.js 22 on arm64 from an ESM bundle, with a 10 s timeout', () => {
    for (const handler of allHandlers) {
      expect(fnOf(plain, handler)[1].Properties, handler).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 10,
        MemorySize: expect.any(Number),
      });
    }
  });

  it('get the table name, defaults and source maps, and only variables handlerEnvironment names', () => {
    const [tableId] = only(plain.template, 'AWS::DynamoDB::Table');
    const allowed = new Set<string>([...handlerEnvironment, 'NODE_OPTIONS']);
    for (const handler of allHandlers) {
      const variables = fnOf(plain, handler)[1].Properties.Environment.Variables as Record<string, unknown>;
      expect(variables).toEqual({
        TABLE_NAME: { Ref: tableId },
        NODE_OPTIONS: '--enable-source-maps',
        BCRYPT_COST: '10',
        TOKEN_TTL_SECONDS: '43200',
        STUN_URLS: DEFAULT_STUN_URLS.join(','),
      });
      for (const name of Object.keys(variables)) expect(allowed.has(name), name).toBe(true);
    }
  });

  it('get TURN, meeting size and the other options when configured', () => {
    expect(fnOf(custom, 'http-ice-servers')[1].Properties.Environment.Variables).toMatchObject({
      STUN_URLS: 'stun:stun.example.com:3478',
      TURN_URLS: 'turn:turn.example.com:3478,turns:turn.example.com:5349',
      TURN_SECRET: 'a-long-enough-shared-secret',
      MAX_PARTICIPANTS: '6',
      BCRYPT_COST: '12',
      TOKEN_TTL_SECONDS: '3600',
    });
  });

  it('log to their own log group with a bounded retention', () => {
    const groups = plain.template.findResources('AWS::Logs::LogGroup');
    for (const handler of allHandlers) {
      const logGroupId = fnOf(plain, handler)[1].Properties.LoggingConfig.LogGroup.Ref as string;
      expect(groups[logGroupId]?.Properties.RetentionInDays, handler).toBe(14);
    }
  });
});

describe('least privilege', () => {
  const everyStatement = (s: Synthesized) =>
    [
      ...resources(s.template, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement),
      ...resources(s.template, 'AWS::IAM::Role').flatMap(([, r]) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement)),
    ] as { Action: string | string[]; Resource: unknown }[];

  it('never grants a wildcard DynamoDB or API Gateway action', () => {
    for (const statement of everyStatement(plain)) {
      for (const action of actions(statement as any)) {
        expect(action).not.toMatch(/^\*$|^dynamodb:\*|^execute-api:\*/);
      }
    }
  });

  it("gives each function exactly its handlerAccess table actions, on the table's ARN only", () => {
    const [tableId] = only(plain.template, 'AWS::DynamoDB::Table');
    for (const handler of allHandlers) {
      const [, fn] = fnOf(plain, handler);
      const statements = roleStatements(plain.template, roleIdOf(fn)).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
      const granted = statements.flatMap(actions).sort();
      expect(granted, handler).toEqual(handlerAccess[handler]!.table.map((a) => `dynamodb:${a}`).sort());
      for (const statement of statements) expect(statement.Resource, handler).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    }
  });

  // A partition is a kind of item: `PREFIX#*` all of that kind, CONFIG the one key without a '#'.
  const leadingKeys = (handler: string) =>
    handlerAccess[handler]!.keys.map((prefix) => (prefix === 'CONFIG' ? 'CONFIG' : `${prefix}*`)).sort();
  const tableStatements = (handler: string) =>
    roleStatements(plain.template, roleIdOf(fnOf(plain, handler)[1])).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));

  it('lets each function reach only the partitions handlerAccess lists (dynamodb:LeadingKeys)', () => {
    for (const handler of allHandlers) {
      for (const prefix of handlerAccess[handler]!.keys) expect(prefix === 'CONFIG' || prefix.endsWith('#'), prefix).toBe(true);
      for (const statement of tableStatements(handler)) {
        const { 'ForAllValues:StringLike': like, Null: absent, ...other } = statement.Condition ?? {};
        expect([like?.['dynamodb:LeadingKeys']].flat().sort(), handler).toEqual(leadingKeys(handler));
        // ForAllValues is true of a request that names no partition key, so the key must also be present.
        expect(absent, handler).toEqual({ 'dynamodb:LeadingKeys': 'false' });
        expect(other, handler).toEqual({});
      }
    }
  });

  it('keeps account items (password hashes) from the WebSocket functions, and meetings from the account ones', () => {
    const webSocket = [webSocketAuthorizer.handler, ...webSocketRoutes.map((r) => r.handler)];
    for (const handler of webSocket) expect(leadingKeys(handler), handler).not.toContain('ACCOUNT#*');
    for (const handler of ['http-register', 'http-login']) {
      expect(leadingKeys(handler).filter((k) => k === 'MEETING#*' || k === 'CONN#*'), handler).toEqual([]);
    }
  });

  it('lets exactly the functions that post to connections do so, on this API and stage only', () => {
    const [, authorizer] = only(plain.template, 'AWS::ApiGatewayV2::Authorizer');
    const wsApiId = authorizer.Properties.ApiId.Ref as string;
    for (const handler of allHandlers) {
      const [, fn] = fnOf(plain, handler);
      const statements = roleStatements(plain.template, roleIdOf(fn)).filter((s) => actions(s).includes('execute-api:ManageConnections'));
      expect(statements.length > 0, handler).toBe(handlerAccess[handler]!.postsToConnections);
      for (const statement of statements) {
        expect(statement.Resource).not.toBe('*');
        expect(flatten(statement.Resource)).toMatch(
          new RegExp(`^arn:\\{Ref:AWS::Partition\\}:execute-api:\\{Ref:AWS::Region\\}:\\{Ref:AWS::AccountId\\}:\\{Ref:${wsApiId}\\}/live/POST/@connections/\\*$`),
        );
      }
    }
  });

  it('starts every handler role empty: no managed policies, logs only to its own group', () => {
    for (const handler of allHandlers) {
      const [, fn] = fnOf(plain, handler);
      const roleId = roleIdOf(fn);
      expect(byId(plain.template, 'AWS::IAM::Role', roleId).Properties.ManagedPolicyArns, handler).toBeUndefined();
      const logs = roleStatements(plain.template, roleId).filter((s) => actions(s).some((a) => a.startsWith('logs:')));
      expect(logs.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] }]);
    }
  });
});

describe('site', () => {
  it('keeps the bucket private, encrypted and HTTPS-only', () => {
    const [bucketId, bucket] = only(plain.template, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    plain.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with Origin Access Control and the SPA fallback', () => {
    const [oacId, oac] = only(plain.template, 'AWS::CloudFront::OriginAccessControl');
    // Named per region: CloudFront names are global to the account, so a region-less name would stop the
    // same stack name from being deployed to a second region.
    expect(oac.Properties.OriginAccessControlConfig.Name).toEqual({ 'Fn::Join': ['', [expect.any(String), { Ref: 'AWS::Region' }, '-site']] });
    const [, distribution] = only(plain.template, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.CustomErrorResponses).toEqual([
      expect.objectContaining({ ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/200.html' }),
      expect.objectContaining({ ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/200.html' }),
    ]);
  });

  it('sends a strict CSP: no inline or foreign scripts, network only to itself and its APIs', () => {
    const policy = csp(plain);
    const [wsApiId] = resources(plain.template, 'AWS::ApiGatewayV2::Api').find(([, a]) => a.Properties.ProtocolType === 'WEBSOCKET')!;
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'default-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'base-uri')).toEqual(["'self'"]);
    expect(directive(policy, 'form-action')).toEqual(["'self'"]);
    expect(directive(policy, 'media-src')).toEqual(expect.arrayContaining(['blob:', 'mediastream:']));
    expect(directive(policy, 'connect-src')).toEqual([
      "'self'",
      'https://*.execute-api.{Ref:AWS::Region}.{Ref:AWS::URLSuffix}',
      `{${wsApiId}.ApiEndpoint}`,
    ]);
  });

  it('names the exact HTTP API in the CSP when a custom domain breaks the CORS/CSP cycle', () => {
    const [httpApiId] = resources(custom.template, 'AWS::ApiGatewayV2::Api').find(([, a]) => a.Properties.ProtocolType === 'HTTP')!;
    const connect = directive(csp(custom), 'connect-src');
    expect(connect).toContain(`{${httpApiId}.ApiEndpoint}`);
    expect(connect.join(' ')).not.toContain('*');
  });

  it('sends HSTS, nosniff, DENY framing, a referrer policy and a self-only Permissions-Policy', () => {
    const [, policy] = only(plain.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = policy.Properties.ResponseHeadersPolicyConfig;
    expect(config.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: expect.any(Number), IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
    const permissions = config.CustomHeadersConfig.Items.find((h: { Header: string }) => h.Header === 'Permissions-Policy');
    expect(permissions.Value).toMatch(/camera=\(self\)/);
    expect(permissions.Value).toMatch(/microphone=\(self\)/);
    expect(permissions.Value).toMatch(/display-capture=\(self\)/);
  });

  it('uses the custom domain and its us-east-1 certificate when configured', () => {
    const [, distribution] = only(custom.template, 'AWS::CloudFront::Distribution');
    expect(distribution.Properties.DistributionConfig).toMatchObject({
      Aliases: ['meet.example.com'],
      ViewerCertificate: { AcmCertificateArn: CERT, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
    });
    expect(custom.template.findOutputs('SiteUrl').SiteUrl?.Value).toBe('https://meet.example.com');
  });

  it('uploads /config.json with the API URLs and STUN servers, and no TURN credentials', () => {
    const [httpApiId] = resources(plain.template, 'AWS::ApiGatewayV2::Api').find(([, a]) => a.Properties.ProtocolType === 'HTTP')!;
    const [wsApiId] = resources(plain.template, 'AWS::ApiGatewayV2::Api').find(([, a]) => a.Properties.ProtocolType === 'WEBSOCKET')!;
    expect(clientConfig(plain)).toEqual({
      apiUrl: `{${httpApiId}.ApiEndpoint}`,
      wsUrl: `wss://{Ref:${wsApiId}}.execute-api.{Ref:AWS::Region}.{Ref:AWS::URLSuffix}/live`,
      iceServers: [{ urls: DEFAULT_STUN_URLS }],
    });
    expect(clientConfig(custom).iceServers).toEqual([{ urls: ['stun:stun.example.com:3478'] }]);
  });

  it('caches hashed chunks for a year and makes browsers revalidate everything else', () => {
    const deployments = resources(plain.template, 'Custom::CDKBucketDeployment');
    const immutable = deployments.find(([id]) => id.includes('Immutable'))![1].Properties;
    const pages = deployments.find(([id]) => id.includes('Pages'))![1].Properties;
    expect(immutable).toMatchObject({ DestinationBucketKeyPrefix: '_app/immutable/', Prune: false });
    expect(immutable.SystemMetadata['cache-control']).toMatch(/immutable/);
    expect(pages).toMatchObject({ Prune: true, Exclude: ['_app/immutable/*'], DistributionPaths: ['/*'] });
    expect(pages.SystemMetadata['cache-control']).toMatch(/max-age=0/);
  });

  it('still synthesizes without a web build, uploading config.json only and pruning nothing', () => {
    const { stack } = build({}, join(repoRoot, '.build', 'no-such-web-build'));
    const content = stack.node.findChild('SiteContent');
    const warnings = content.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data));
    expect(warnings).toEqual([expect.stringContaining('No web build')]);
    // Acknowledged only so that synthesis below does not print the expected warning into the test log.
    CdkAnnotations.of(content).acknowledgeWarning('meshmeet:no-web-build');
    const deployments = resources(Template.fromStack(stack), 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    expect(deployments[0]![1].Properties.Prune).toBe(false);
  });
});

describe('outputs', () => {
  it('give the site, HTTP API and WebSocket URLs', () => {
    const outputs = plain.template.findOutputs('*');
    for (const name of ['SiteUrl', 'HttpApiUrl', 'WebSocketUrl']) expect(outputs[name], name).toBeDefined();
    expect(flatten(outputs.WebSocketUrl!.Value)).toMatch(/^wss:\/\/.*\/live$/);
  });
});

describe('configuration', () => {
  const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

  it('has defaults that deploy as-is', () => {
    expect(readConfig(context({}), {})).toEqual({
      stackName: 'Meshmeet',
      stunUrls: DEFAULT_STUN_URLS,
      turnUrls: [],
      allowedOrigins: [],
      retainData: true,
      bcryptCost: 10,
      tokenTtlSeconds: 43200,
    });
  });

  it('reads lists as JSON arrays, comma-separated strings or JSON in a string, and an empty string as none', () => {
    expect(readConfig(context({ stunUrls: ['stun:a:1', 'stun:b:2'] }), {}).stunUrls).toEqual(['stun:a:1', 'stun:b:2']);
    expect(readConfig(context({ stunUrls: 'stun:a:1, stun:b:2' }), {}).stunUrls).toEqual(['stun:a:1', 'stun:b:2']);
    expect(readConfig(context({ stunUrls: '["stun:a:1"]' }), {}).stunUrls).toEqual(['stun:a:1']);
    expect(readConfig(context({ stunUrls: '' }), {}).stunUrls).toEqual([]);
  });

  it('takes the TURN secret from MESHMEET_TURN_SECRET too', () => {
    const config = readConfig(context({ turnUrls: 'turn:t.example.com:3478' }), { MESHMEET_TURN_SECRET: '0123456789abcdef0123' });
    expect(config.turnSecret).toBe('0123456789abcdef0123');
  });

  it.each([
    [{ turnUrls: 'turn:t.example.com:3478' }, /turnSecret is not/],
    [{ turnSecret: 'x'.repeat(32) }, /turnUrls is not/],
    [{ turnUrls: 'turn:t:3478', turnSecret: 'short' }, /too short/],
    [{ turnUrls: 'http://t.example.com' }, /turn:host/],
    [{ stunUrls: 'stun.l.google.com:19302' }, /stun:host:port/],
    [{ domainName: 'meet.example.com' }, /certificateArn is not/],
    [{ certificateArn: CERT }, /domainName is not/],
    [{ domainName: 'https://meet.example.com', certificateArn: CERT }, /host name/],
    [{ domainName: 'meet.example.com', certificateArn: CERT.replace('us-east-1', 'eu-west-1') }, /us-east-1/],
    [{ allowedOrigins: 'http://localhost:5173/' }, /no path or trailing slash/],
    [{ bcryptCost: '3' }, /from 4 to 15/],
    [{ maxParticipants: '1' }, /from 2 to 100/],
    [{ tokenTtlSeconds: 'a day' }, /whole number/],
    [{ retainData: 'yes' }, /true or false/],
    [{ stackName: 'my stack' }, /letters, digits and hyphens/],
    [{ stackName: 'M'.repeat(41) }, /at most 40/],
  ])('rejects %o with a clear message', (values, message) => {
    expect(() => readConfig(context(values), {})).toThrow(ConfigError);
    expect(() => readConfig(context(values), {})).toThrow(message);
  });

  it('builds the CSP from its parts', () => {
    expect(contentSecurityPolicy(['https://api.example.com'])).toContain("connect-src 'self' https://api.example.com;");
  });
});

describe('cdk synth (CLI, offline, real bundling)', () => {
  const outdir = join(repoRoot, '.build', 'cdk-synth-test.out');

  it(
    'succeeds without network or credentials, and every bundle loads and exports handler',
    async () => {
      rmSync(outdir, { recursive: true, force: true });
      await promisify(execFile)(join(repoRoot, 'node_modules', '.bin', 'cdk'), ['synth', '-q', '--no-notices', '-o', outdir], {
        cwd: repoRoot,
        env: {
          ...process.env,
          CDK_DISABLE_VERSION_CHECK: 'true',
          CDK_DISABLE_CLI_TELEMETRY: 'true',
          // No credentials at all: synth must not need them.
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_PROFILE: '',
        },
        maxBuffer: 64 * 1024 * 1024,
      });
      // The stack name may come from cdk.json (stackName), so take whichever template was written.
      const templateFile = readdirSync(outdir).find((name) => name.endsWith('.template.json'));
      const template = JSON.parse(readFileSync(join(outdir, templateFile!), 'utf8')) as { Resources: Record<string, Resource> };
      const functions = Object.values(template.Resources).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && /^Meshmeet /.test(r.Properties.Description ?? ''),
      );
      expect(functions).toHaveLength(allHandlers.length);
      for (const fn of functions) {
        const bundle = join(outdir, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`, 'index.mjs');
        // The bundle sits inside the repository, so `@aws-sdk/*` (external, as on Lambda) resolves from node_modules.
        const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };
        expect(typeof module.handler, fn.Properties.Description).toBe('function');
      }
      rmSync(outdir, { recursive: true, force: true });
    },
    180_000,
  );
});
