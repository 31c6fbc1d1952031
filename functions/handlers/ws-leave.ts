// leave: step out of the meeting (the socket stays open); the others get `peer-left`.
import { LeaveAction } from '../protocol/index.js';
import { socketHandler } from '../edge/socket.js';

export const handler = socketHandler(LeaveAction, (signalling, caller) => signalling.leave(caller));
