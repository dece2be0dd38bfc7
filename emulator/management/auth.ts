// Who may call the management API: the current project API key (as `Authorization: <key>` per the
// reference, or `X-API-Key: <key>` per the authentication guide) or a dashboard JWT
// (`Authorization: Bearer <jwt>`). The JWT is HS256 with a secret made per emulator, so a token
// from one emulator never opens another, and only its signature and `exp` matter.
import type { IncomingMessage } from "node:http";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EmulatorState } from "../state";
import { ApiError } from "./http";
import type { ApiKeyHeader } from "../dialect";

export interface DashboardToken {
  token: string;
  expiresAt: Date;
}

export interface DashboardTokens {
  /** A non-positive lifetime gives an already expired token, which tests of the 401 need. */
  issue(expiresInSeconds: number): DashboardToken;
  /** Why the token is refused, or undefined when it is good. */
  problem(token: string): string | undefined;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** `secret` is kept by a data dir, so tokens stay valid across a restart. */
export function createDashboardTokens(clock: () => Date, secret: Buffer = randomBytes(32)): DashboardTokens {
  const sign = (signingInput: string) => createHmac("sha256", secret).update(signingInput).digest();
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

  return {
    issue(expiresInSeconds) {
      const issuedAt = Math.floor(clock().getTime() / 1000);
      const exp = issuedAt + Math.floor(expiresInSeconds);
      const payload = base64url(JSON.stringify({ sub: "emulator-dashboard", iat: issuedAt, exp }));
      const signingInput = `${header}.${payload}`;
      return { token: `${signingInput}.${base64url(sign(signingInput))}`, expiresAt: new Date(exp * 1000) };
    },
    problem(token) {
      const parts = token.split(".");
      if (parts.length !== 3) return "the Bearer token is not a JWT";
      const [headerPart, payloadPart, signaturePart] = parts;
      const expected = sign(`${headerPart}.${payloadPart}`);
      const given = Buffer.from(signaturePart, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return "the JWT signature is not valid";
      }
      let claims: unknown;
      let alg: unknown;
      try {
        alg = (JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8")) as { alg?: unknown }).alg;
        claims = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8"));
      } catch {
        return "the JWT is malformed";
      }
      if (alg !== "HS256") return "the JWT algorithm must be HS256";
      const exp = (claims as { exp?: unknown } | null)?.exp;
      if (typeof exp !== "number") return "the JWT has no exp claim";
      if (exp * 1000 <= clock().getTime()) return "the JWT has expired";
      return undefined;
    },
  };
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Throws a 401 unless the request carries a valid credential. `Authorization` is the one read
 * when both headers are present. Marks the API key as used, for `last_used_at`.
 */
export function authenticate(req: IncomingMessage, state: EmulatorState, tokens: DashboardTokens): void {
  const authorization = headerValue(req, "authorization")?.trim();
  const apiKeyHeader = headerValue(req, "x-api-key")?.trim();
  const credential = credentialRead(state.dialect.apiKeyHeader, authorization, apiKeyHeader);
  if (!credential) {
    throw unauthorized(
      "send the API key as `Authorization: mamute-…` or `X-API-Key: mamute-…`, or a dashboard JWT as `Authorization: Bearer <jwt>`",
    );
  }
  const bearer = /^bearer\s+(\S+)$/i.exec(credential);
  if (bearer && credential === authorization) {
    const token = bearer[1];
    if (token.startsWith("mamute-")) {
      throw unauthorized("an API key is sent without `Bearer`: `Authorization: mamute-…`; Bearer is for dashboard JWTs");
    }
    const problem = tokens.problem(token);
    if (problem) throw unauthorized(problem);
    return;
  }
  if (!credential.startsWith("mamute-")) {
    throw unauthorized("malformed credential: an API key starts with `mamute-`, a JWT is sent as `Bearer <jwt>`");
  }
  const current = state.apiKey;
  if (!current || !sameSecret(current.key, credential)) {
    throw unauthorized("the API key is unknown or has been revoked");
  }
  current.lastUsedAt = state.now();
}

const BEARER = /^bearer\s/i;

/**
 * The header value authenticated: by default `Authorization`, else `X-API-Key`. Under an `auth-*`
 * dialect the API key is read from one header only, as each of the two documents says: a key in
 * the other is a 401, even the right key. A dashboard JWT is always `Authorization: Bearer`, on
 * which both documents agree.
 */
function credentialRead(accepted: ApiKeyHeader, authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  switch (accepted) {
    case "both":
      return authorization ?? apiKeyHeader;
    case "authorization":
      if (authorization === undefined && apiKeyHeader !== undefined) {
        throw unauthorized("the API key goes in `Authorization: mamute-…`; this server does not read X-API-Key");
      }
      return authorization;
    case "x-api-key":
      if (authorization !== undefined && BEARER.test(authorization)) return authorization;
      if (apiKeyHeader === undefined && authorization !== undefined) {
        throw unauthorized("the API key goes in `X-API-Key: mamute-…`; this server reads Authorization only for `Bearer <jwt>`");
      }
      return apiKeyHeader;
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
