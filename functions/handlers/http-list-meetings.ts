// GET /meetings -> 200 {meetings}: the caller's history, newest first.
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => ({
  status: 200,
  body: { meetings: await services.meetings().history(await req.user()) },
}));
