// The WebSocket API that carries signalling: one route per entry of routes.ts's webSocketRoutes, the
// token authorizer on $connect, one throttled stage, and the right to post to connections for exactly the
// functions whose handlerAccess says they do.
import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { routeSelectionExpression, webSocketAuthorizer, webSocketRoutes } from '../../functions/routes.js';
import { accessOf, type Handlers } from './handlers.js';

export interface SignallingApiProps {
  handlers: Handlers;
}

export const SIGNALLING_STAGE = 'live';

// Applied to each route of the stage, for all clients together. Joining a meeting sends a burst of
// offers, answers and ICE candidates (dozens of messages within a second), so the bucket (burst) is larger
// than the steady rate. 100 messages/s per route carries dozens of simultaneous meetings and caps what a
// runaway client loop can cost at about half a dollar an hour per route (messages plus Lambda). Raise both
// for bigger deployments.
export const SIGNALLING_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

export class SignallingApi extends Construct {
  readonly api: apigw.WebSocketApi;
  readonly stage: apigw.WebSocketStage;

  constructor(scope: Construct, id: string, props: SignallingApiProps) {
    super(scope, id);
    const { handlers } = props;

    this.api = new apigw.WebSocketApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-signalling`,
      description: 'Meshmeet signalling',
      routeSelectionExpression,
    });
    this.stage = new apigw.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: SIGNALLING_STAGE,
      autoDeploy: true,
      throttle: SIGNALLING_THROTTLE,
    });

    // Browsers cannot set headers on `new WebSocket()`, so the token travels in the query string. When the
    // parameter is missing, API Gateway answers 401 without invoking the authorizer.
    const authorizer = new WebSocketLambdaAuthorizer('Authorizer', handlers.get(webSocketAuthorizer.handler), {
      identitySource: [`route.request.querystring.${webSocketAuthorizer.tokenQueryParameter}`],
    });
    if (!webSocketRoutes.some((route) => route.routeKey === '$connect')) {
      throw new Error('routes.ts has no $connect route: the authorizer can only sit on $connect.');
    }

    for (const route of webSocketRoutes) {
      this.api.addRoute(route.routeKey, {
        integration: new WebSocketLambdaIntegration(`${route.handler}-integration`, handlers.get(route.handler)),
        // Authorizers run only on $connect; what they return follows the connection to every later route.
        ...(route.routeKey === '$connect' ? { authorizer } : {}),
      });
    }

    // Only POST to connections: handlers never list or close them. The ARN names this API's stage, so a
    // leaked function role cannot write to any other WebSocket API in the account.
    const connectionsArn = this.connectionsArn();
    for (const [name, fn] of handlers.entries()) {
      if (!accessOf(name).postsToConnections) continue;
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [connectionsArn] }));
    }
  }

  /** wss://<id>.execute-api.<region>.amazonaws.com/live: what browsers connect to. */
  get url(): string {
    return this.stage.url;
  }

  /** wss://<id>.execute-api.<region>.amazonaws.com: the origin, for the site's Content-Security-Policy. */
  get origin(): string {
    return this.api.apiEndpoint;
  }

  private connectionsArn(): string {
    return Stack.of(this).formatArn({
      service: 'execute-api',
      resource: this.api.apiId,
      resourceName: `${this.stage.stageName}/POST/@connections/*`,
    });
  }
}
