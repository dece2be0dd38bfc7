// Shardlyn's JWTs: HS256 (`header.payload.signature`, base64url), signed with the state's secret.
// The payload is `{sub, iat, exp, exp_ms, jti, typ}`: `exp` in seconds as every JWT library reads
// it, `exp_ms` so that a lifetime of 2000 ms expires to the millisecond on the emulator's clock,
// `typ` tells an access token from a refresh token.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export type JwtKind = "access" | "refresh";

export interface JwtClaims {
  sub: string;
  iat: number;
  exp: number;
  exp_ms: number;
  jti: string;
  typ: JwtKind;
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

function signature(secret: Buffer, signed: string): Buffer {
  return createHmac("sha256", secret).update(signed).digest();
}

export function signJwt(
  secret: Buffer,
  kind: JwtKind,
  sub: string,
  nowMs: number,
  lifetimeMs: number,
): { token: string; claims: JwtClaims } {
  const claims: JwtClaims = {
    sub,
    iat: Math.floor(nowMs / 1000),
    exp: Math.ceil((nowMs + lifetimeMs) / 1000),
    exp_ms: nowMs + lifetimeMs,
    jti: randomUUID(),
    typ: kind,
  };
  const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return { token: `${signed}.${signature(secret, signed).toString("base64url")}`, claims };
}

/**
 * The claims of a token this secret signed, of this kind; `"invalid"` for anything else (another
 * secret, a changed byte, a refresh token where an access token belongs), `"expired"` past `exp_ms`.
 */
export function verifyJwt(secret: Buffer, kind: JwtKind, token: string, nowMs: number): JwtClaims | "invalid" | "expired" {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return "invalid";
  const [header, payload, sent] = parts;
  const expected = signature(secret, `${header}.${payload}`);
  const given = Buffer.from(sent, "base64url");
  if (header !== HEADER || given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
  let claims: JwtClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as JwtClaims;
  } catch {
    return "invalid";
  }
  if (claims?.typ !== kind || typeof claims.exp_ms !== "number") return "invalid";
  return nowMs >= claims.exp_ms ? "expired" : claims;
}
