// Limits shared by the server and the web client. The WebSocket numbers are API Gateway's own
// (docs in ../../../shared/notes/numbers.md); the rest are product choices documented in docs/protocol.md.

/** API Gateway closes a WebSocket with 1009 when one message is larger than this. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
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
/** Recent chat messages handed to a participant on join. */
export const CHAT_HISTORY_SIZE = 50;
/** Meeting codes look like Google Meet's: abc-defg-hij. */
export const MEETING_CODE_PATTERN = /^[a-z]{3}-[a-z]{4}-[a-z]{3}$/;
