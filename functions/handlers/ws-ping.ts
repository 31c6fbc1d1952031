// ping: the heartbeat that keeps API Gateway's 10-minute idle timeout away.
import { PingAction } from '../protocol/index.js';
import { socketHandler } from '../edge/socket.js';

export const handler = socketHandler(PingAction, (signalling, caller) => signalling.ping(caller));
