// $connect authorizer: lets a socket in only with a valid token in ?token=, and hands the user's id and
// name to every later route as requestContext.authorizer. Throwing "Unauthorized" makes API Gateway answer 401.
import { services } from '../adapters/services.js';

interface AuthorizerEvent {
  methodArn: string;
  queryStringParameters?: Record<string, string | undefined> | null;
}

export const handler = async (event: AuthorizerEvent) => {
  let claims;
  try {
    claims = await services.tokens().verify(event.queryStringParameters?.token);
  } catch {
    throw new Error('Unauthorized');
  }
  return {
    principalId: claims.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    // Values reach later routes as strings.
    context: { name: claims.name, guest: claims.guest },
  };
};
