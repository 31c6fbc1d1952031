// The whole product in one stack: the table, one function per handler, the signalling (WebSocket) API,
// the HTTP API, and the site with its /config.json. Every route and handler comes from functions/routes.ts.
import { Aws, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ClientConfig } from '../functions/protocol/http.js';
import type { handlerEnvironment as handlerEnvironmentNames } from '../functions/routes.js';
import type { MeshmeetConfig } from './config.js';
import { DataTable } from './constructs/data-table.js';
import { Handlers } from './constructs/handlers.js';
import { HttpApi } from './constructs/http-api.js';
import { SignallingApi } from './constructs/signalling-api.js';
import { SiteContent } from './constructs/site-content.js';
import { Site } from './constructs/site.js';
import { paths } from './paths.js';

export interface MeshmeetStackProps extends StackProps {
  config: MeshmeetConfig;
  /** Overrides for tests; default to the repository's own folders (infra/paths.ts). */
  handlersDir?: string;
  webBuildDir?: string;
}

export class MeshmeetStack extends Stack {
  constructor(scope: Construct, id: string, props: MeshmeetStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('project', 'meshmeet');

    const data = new DataTable(this, 'Data', { retain: config.retainData });
    const handlers = new Handlers(this, 'Handlers', {
      table: data,
      environment: handlerEnvironment(config, data.table.tableName),
      handlersDir: props.handlersDir ?? paths.handlersDir,
      projectRoot: paths.repoRoot,
      lockFile: paths.lockFile,
    });
    const signalling = new SignallingApi(this, 'Signalling', { handlers });

    // CORS on the HTTP API must name the site's origin, and the site's CSP must name the HTTP API's origin.
    // With only CloudFront's generated domain, each would need the other's generated name first: a cycle
    // CloudFormation refuses. So without a custom domain the CSP allows this region's execute-api hosts
    // (the WebSocket origin stays exact); with one, CORS names the domain and the CSP names the exact API.
    const siteProps = { domainName: config.domainName, certificateArn: config.certificateArn };
    let site: Site;
    let http: HttpApi;
    if (config.domainName) {
      http = new HttpApi(this, 'Http', { handlers, allowOrigins: [`https://${config.domainName}`, ...config.allowedOrigins] });
      site = new Site(this, 'Site', { ...siteProps, connectSources: [http.url, signalling.origin] });
    } else {
      const regionApis = `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
      site = new Site(this, 'Site', { ...siteProps, connectSources: [regionApis, signalling.origin] });
      http = new HttpApi(this, 'Http', { handlers, allowOrigins: [site.url, ...config.allowedOrigins] });
    }

    // TURN is deliberately absent: its credentials are minted per user by GET /ice-servers.
    const clientConfig: ClientConfig = {
      apiUrl: http.url,
      wsUrl: signalling.url,
      iceServers: config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [],
    };
    new SiteContent(this, 'SiteContent', {
      bucket: site.bucket,
      distribution: site.distribution,
      buildDir: props.webBuildDir ?? paths.webBuildDir,
      clientConfig,
    });

    new CfnOutput(this, 'SiteUrl', { value: site.url, description: 'Open this to use Meshmeet' });
    new CfnOutput(this, 'HttpApiUrl', { value: http.url, description: 'Accounts and meetings API' });
    new CfnOutput(this, 'WebSocketUrl', { value: signalling.url, description: 'Signalling WebSocket' });
    new CfnOutput(this, 'DistributionDomainName', {
      value: site.distribution.distributionDomainName,
      description: 'Point your custom domain here (CNAME or alias)',
    });
    new CfnOutput(this, 'TableName', { value: data.table.tableName, description: 'DynamoDB table with all data' });
  }
}

type HandlerEnvironment = Partial<Record<(typeof handlerEnvironmentNames)[number], string>>;

/** The variables routes.ts's handlerEnvironment names; unset options are left out, so handlers use their defaults. */
function handlerEnvironment(config: MeshmeetConfig, tableName: string): Record<string, string> {
  const environment: HandlerEnvironment = {
    TABLE_NAME: tableName,
    BCRYPT_COST: String(config.bcryptCost),
    TOKEN_TTL_SECONDS: String(config.tokenTtlSeconds),
    STUN_URLS: config.stunUrls.join(',') || undefined,
    TURN_URLS: config.turnUrls.join(',') || undefined,
    TURN_SECRET: config.turnSecret,
    MAX_PARTICIPANTS: config.maxParticipants?.toString(),
  };
  return Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined)) as Record<string, string>;
}
