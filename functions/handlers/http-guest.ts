// POST /auth/guest {name} -> 200 {token, user}: a guest only gives a name.
import { GuestRequest } from '../protocol/index.js';
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => ({
  status: 200,
  body: await services.accounts().guest(req.body(GuestRequest)),
}));
