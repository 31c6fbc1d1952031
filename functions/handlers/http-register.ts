// POST /auth/register {email, password, name} -> 201 {token, user}
import { RegisterRequest } from '../protocol/index.js';
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => ({
  status: 201,
  body: await services.accounts().register(req.body(RegisterRequest)),
}));
