// The HTTP API for accounts and meetings: one route per entry of routes.ts's httpRoutes, CORS for the
// site's origin(s), and a throttled default stage. The browser calls it directly (not through CloudFront).
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { httpRoutes } from '../../functions/routes.js';
import type { Handlers } from './handlers.js';

export interface HttpApiProps {
  handlers: Handlers;
  /** Origins allowed by CORS: the site, plus any the deployer adds. */
  allowOrigins: string[];
}

// Per route, for all clients together. Sign-up and sign-in are the routes worth guarding: bcrypt makes
// each attempt cost CPU, so a cap bounds both guessing and the bill.
export const HTTP_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-http`,
      description: 'Meshmeet accounts and meetings',
      // Our own $default stage below, because the one HttpApi makes cannot be throttled.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowOrigins,
        allowMethods: [...new Set(httpRoutes.map((route) => apigw.CorsHttpMethod[route.method]))],
        // Tokens travel as `Authorization: Bearer`, never as cookies, so credentials stay off.
        allowHeaders: ['authorization', 'content-type'],
        // Chromium caps preflight caching at 2 hours; longer would be ignored.
        maxAge: Duration.hours(2),
      },
    });
    new apigw.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: HTTP_THROTTLE,
    });

    for (const route of httpRoutes) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.handler}-integration`, props.handlers.get(route.handler)),
      });
    }
  }

  /** https://<id>.execute-api.<region>.amazonaws.com, no trailing slash: the client appends paths. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
