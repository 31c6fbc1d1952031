// The one protocol module shared by the Lambda handlers and the web client.
export * from './limits.js';
export * from './messages.js';
export * from './http.js';
