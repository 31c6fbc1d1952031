// Limits shared by the server and the web client. The WebSocket numbers are API Gateway's own
// (docs in ../../../shared/notes/numbers.md); the rest are product choices documented in docs/protocol.md.

/** API Gateway closes a WebSocket with 1009 when one message is larger than this; PostToConnection answers 413. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
/**
 * API Gateway closes a WebSocket with 1009 when one frame is larger than this. Only a message split into
 * several frames may be larger; browsers never split one, so from a browser every message is at most this.
 */
export const MAX_FRAME_BYTES = 32 * 1024;
/**
 * A `signal`'s `data`, as JSON, is at most this, so that the relayed `{type, from, data}` fits in one frame
 * too: the server re-serializes `data`, which can make it longer than it came (`1e20` becomes 21 digits).
 */
export const MAX_SIGNAL_DATA_BYTES = MAX_FRAME_BYTES - 1024;
/** API Gateway closes an idle WebSocket after 10 minutes; the client pings well before. */
export const HEARTBEAT_INTERVAL_MS = 5 * 60 * 1000;
/** API Gateway cuts every WebSocket after 2 hours; the client reconnects a little before. */
export const MAX_CONNECTION_MS = 2 * 60 * 60 * 1000;

export const MAX_NAME_LENGTH = 60;
export const MAX_TITLE_LENGTH = 100;
export const MAX_CHAT_LENGTH = 4000;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 72; // bcrypt ignores bytes past 72
export const MAX_EMAIL_LENGTH = 254;
/** Recent chat messages handed to a participant on join... */
export const CHAT_HISTORY_SIZE = 50;
/**
 * ...as long as they fit in this many bytes of JSON (the newest first): 50 messages of 4,000 characters,
 * each up to 6 bytes once escaped, would overflow MAX_MESSAGE_BYTES, and then nobody could join.
 */
export const CHAT_HISTORY_BYTES = 64 * 1024;
/**
 * Chat one seat may send: at most this many messages in each CHAT_WINDOW_MS. Far more than anyone types
 * (or a tab resends after a reconnect), so only a flood is refused, before it is stored and fanned out.
 */
export const CHAT_MESSAGES_PER_WINDOW = 20;
export const CHAT_WINDOW_MS = 10_000;
/** Meeting codes look like Google Meet's: abc-defg-hij. */
export const MEETING_CODE_PATTERN = /^[a-z]{3}-[a-z]{4}-[a-z]{3}$/;
