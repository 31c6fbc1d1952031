// POST /auth/refresh (Authorization: Bearer) -> 200 {token, user}: the same user with a fresh expiry.
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => ({
  status: 200,
  body: await services.accounts().refresh(await req.user()),
}));
