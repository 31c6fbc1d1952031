// Wires the domain to its adapters, once per process: Lambda reuses the instance across invocations,
// and the local stack runs every handler in one process with the same wiring.
import { Accounts } from '../domain/accounts.js';
import { Meetings } from '../domain/meetings.js';
import { systemClock } from '../domain/ports.js';
import { Signalling } from '../domain/signalling.js';
import { TokenService } from '../domain/tokens.js';
import { ApiGatewaySender, managementEndpoint } from './api-gateway-sender.js';
import { dynamoClient } from './dynamo-client.js';
import { DynamoStore } from './dynamo-store.js';
import { env } from './env.js';

let store: DynamoStore | undefined;
let tokens: TokenService | undefined;

export const services = {
  store: () => (store ??= new DynamoStore(dynamoClient(), env.tableName())),
  tokens: () => (tokens ??= new TokenService(services.store(), env.tokenTtlSeconds())),
  accounts: () => new Accounts(services.store(), services.tokens(), systemClock, env.bcryptCost()),
  meetings: () => new Meetings(services.store(), systemClock),
  /** Signalling that answers through the API (and stage) the event came from. */
  signalling: (domainName: string, stage: string) =>
    new Signalling(
      services.store(),
      new ApiGatewaySender(managementEndpoint(domainName, stage)),
      services.tokens(),
      systemClock,
      { maxParticipants: env.maxParticipants() },
    ),
};
