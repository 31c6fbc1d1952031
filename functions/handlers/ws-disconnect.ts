// $disconnect (best effort on AWS): forget the connection and tell its meeting.
import { signallingFor, type SocketEvent } from '../edge/socket.js';

export const handler = async (event: SocketEvent) => {
  await signallingFor(event).disconnect(event.requestContext.connectionId);
  return { statusCode: 200 };
};
