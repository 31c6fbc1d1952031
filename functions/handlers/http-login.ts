// POST /auth/login {email, password} -> 200 {token, user} | 401
import { LoginRequest } from '../protocol/index.js';
import { services } from '../adapters/services.js';
import { httpHandler } from '../edge/http.js';

export const handler = httpHandler(async (req) => ({
  status: 200,
  body: await services.accounts().login(req.body(LoginRequest)),
}));
