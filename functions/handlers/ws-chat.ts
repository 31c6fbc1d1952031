// chat: store a message and deliver it to the whole meeting, sender included.
import { ChatAction } from '../protocol/index.js';
import { socketHandler } from '../edge/socket.js';

export const handler = socketHandler(ChatAction, (signalling, caller, message) => signalling.chat(caller, message));
