// join: enter a meeting; the joiner gets `joined`, everyone else `peer-joined`.
import { JoinAction } from '../protocol/index.js';
import { socketHandler } from '../edge/socket.js';

export const handler = socketHandler(JoinAction, (signalling, caller, message) => signalling.join(caller, message));
