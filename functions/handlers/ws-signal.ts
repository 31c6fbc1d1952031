// signal: relay SDP and ICE candidates to one participant of the sender's meeting.
import { SignalAction } from '../protocol/index.js';
import { socketHandler } from '../edge/socket.js';

export const handler = socketHandler(SignalAction, (signalling, caller, message) => signalling.relay(caller, message));
