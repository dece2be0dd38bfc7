// AWS Signature Version 4 verification, written here with node:crypto on purpose. A signer library
// builds the canonical request from a request object it normalises (it re-encodes the path,
// re-orders and re-joins headers, drops headers it considers unsignable), which is right for
// signing and wrong for verifying: a verifier must canonicalise exactly what arrived on the wire,
// or it would accept requests a real S3 refuses and refuse ones it accepts. So the path is taken
// as received (no dot-segment or slash normalisation, escapes kept), the query is decoded and
// re-encoded with SigV4's strict encoder, and header values come from `rawHeaders`.
// Over 400 lines as one file on purpose: header, query and presigned verification share the
// canonicalisation, and a verifier split across files is harder to check against the AWS spec.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { EmulatorState, S3Credential } from "../state";
import { S3Error, accessDenied, invalidArgument, invalidRequest, notImplemented } from "./errors";
import type { RequestTarget } from "./target";

export const REGION = "us-east-1";
export const SERVICE = "s3";
export const ALGORITHM = "AWS4-HMAC-SHA256";
/** S3 refuses a request whose time is more than 15 minutes from its own clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most seven days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
export const STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
export const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
export const EMPTY_SHA256 = createHash("sha256").digest("hex");

export type PayloadMode =
  { kind: "hash"; sha256: string } | { kind: "unsigned" } | { kind: "streaming"; signedChunks: boolean; trailer: boolean };

export interface Authenticated {
  credential: S3Credential;
  presigned: boolean;
  payload: PayloadMode;
  /** What chunk and trailer signatures chain from (signed streaming only). */
  signing: { amzDate: string; scope: string; key: Buffer; seedSignature: string };
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

export function signingKey(secret: string, date: string, region = REGION, service = SERVICE): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

export function hmacHex(key: Buffer, data: string): string {
  return createHmac("sha256", key).update(data, "utf8").digest("hex");
}

/** Constant-time comparison of two lower-case hex signatures. */
export function signaturesEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** SigV4's URI encoding: every byte but the unreserved set as `%XX` (upper-case hex). */
export function uriEncode(value: string, keepSlash: boolean): string {
  let out = "";
  for (const char of value) {
    if (UNRESERVED.test(char) || (keepSlash && char === "/")) {
      out += char;
    } else {
      for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/**
 * The canonical URI of an S3 request is its path as sent, encoded once (S3 is the one service
 * that does not double-encode). Escapes the client sent stay exactly as they are; only characters
 * a strict client would have escaped but this one sent raw (`!`, `+`, `'`…) are encoded, which is
 * what the client's signer did before sending.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === "") return "/";
  let out = "";
  const chars = [...rawPath];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === "%" && /^[0-9A-Fa-f]{2}$/.test((chars[i + 1] ?? "") + (chars[i + 2] ?? ""))) {
      out += char + chars[i + 1] + chars[i + 2];
      i += 2;
    } else {
      out += uriEncode(char, true);
    }
  }
  return out;
}

/** Parameters decoded then strictly re-encoded, sorted by name then value; `X-Amz-Signature` left out when presigned. */
export function canonicalQuery(params: Array<[string, string]>, presigned: boolean): string {
  return params
    .filter(([name]) => !(presigned && name === "X-Amz-Signature"))
    .map(([name, value]) => [uriEncode(name, false), uriEncode(value, false)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** All received values of one header, trimmed, inner whitespace runs collapsed, joined by `,`. */
export function canonicalHeaderValue(rawHeaders: string[], name: string): string {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === name) values.push(rawHeaders[i + 1].trim().replace(/\s+/g, " "));
  }
  return values.join(",");
}

export function canonicalRequest(
  method: string,
  target: RequestTarget,
  rawHeaders: string[],
  signedHeaders: string[],
  payloadHash: string,
  presigned: boolean,
): string {
  const headerLines = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(rawHeaders, name)}\n`).join("");
  return [
    method,
    canonicalUri(target.rawPath),
    canonicalQuery(target.params, presigned),
    headerLines,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join("\n");
}

/** `20261122T100000Z` → Date, or undefined when it is not that exact form. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCDate() === d && date.getUTCHours() === h ? date : undefined;
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function malformedHeader(message: string, details: Array<[string, string]> = []): S3Error {
  return new S3Error(400, "AuthorizationHeaderMalformed", `The authorization header is malformed; ${message}`, details);
}

function malformedQuery(message: string): S3Error {
  return new S3Error(400, "AuthorizationQueryParametersError", message);
}

interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

function parseCredential(value: string): Scope | undefined {
  const parts = value.split("/");
  if (parts.length !== 5 || parts.some((p) => p === "")) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts;
  return { accessKeyId, date, region, service, terminator };
}

/** Unknown, revoked (deleted) and deactivated keys all read as `InvalidAccessKeyId`, as on S3. */
function lookUpCredential(state: EmulatorState, accessKeyId: string): S3Credential {
  const credential = state.credentials.get(accessKeyId);
  const details: Array<[string, string]> = [["AWSAccessKeyId", accessKeyId]];
  if (!credential) {
    throw new S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", details);
  }
  if (credential.status !== "active") {
    throw new S3Error(
      403,
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided is not active (the credential is deactivated).",
      details,
    );
  }
  return credential;
}

function checkScope(scope: Scope, amzDate: string, malformed: (message: string, details?: Array<[string, string]>) => S3Error): void {
  if (scope.date !== amzDate.slice(0, 8)) {
    throw malformed(`Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  if (scope.region !== REGION) {
    throw malformed(`the region '${scope.region}' is wrong; expecting '${REGION}'`, [["Region", REGION]]);
  }
  if (scope.service !== SERVICE) throw malformed(`incorrect service "${scope.service}". This endpoint belongs to "${SERVICE}".`);
  if (scope.terminator !== "aws4_request") throw malformed(`incorrect terminal "${scope.terminator}". This endpoint uses "aws4_request".`);
}

/** The `x-amz-content-sha256` value says how the body travels; anything else is refused before the body is read. */
export function payloadModeOf(value: string): PayloadMode {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { kind: "hash", sha256: value.toLowerCase() };
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: "unsigned" };
    case STREAMING_SIGNED:
      return { kind: "streaming", signedChunks: true, trailer: false };
    case STREAMING_SIGNED_TRAILER:
      return { kind: "streaming", signedChunks: true, trailer: true };
    case STREAMING_UNSIGNED_TRAILER:
      return { kind: "streaming", signedChunks: false, trailer: true };
  }
  if (value.startsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    throw notImplemented("Signature Version 4A (ECDSA) is not supported; sign with AWS4-HMAC-SHA256.");
  }
  throw invalidArgument(
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
    "x-amz-content-sha256",
    value,
  );
}

function signatureMismatch(accessKeyId: string, toSign: string, provided: string, canonical: string): S3Error {
  // What a client needs to find its mistake, as S3 gives it: never the secret or the expected signature.
  return new S3Error(
    403,
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    [
      ["AWSAccessKeyId", accessKeyId],
      ["StringToSign", toSign],
      ["SignatureProvided", provided],
      ["CanonicalRequest", canonical],
    ],
  );
}

function parseSignedHeaders(value: string, malformed: (message: string) => S3Error): string[] {
  const names = value.split(";");
  if (names.some((n) => n === "" || n !== n.toLowerCase().trim()))
    throw malformed(`SignedHeaders "${value}" is not a list of lower-case header names.`);
  return names;
}

function requireHostSigned(signedHeaders: string[]): void {
  if (!signedHeaders.includes("host")) {
    throw accessDenied("There were headers present in the request which were not signed", [["HeadersNotSigned", "host"]]);
  }
}

export function authenticate(req: IncomingMessage, target: RequestTarget, state: EmulatorState): Authenticated {
  const authorization = header(req, "authorization");
  const presign = target.params.some(([n]) => n === "X-Amz-Algorithm" || n === "X-Amz-Signature" || n === "X-Amz-Credential");
  if (authorization !== undefined && presign) {
    throw invalidArgument(
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
      "Authorization",
      ALGORITHM,
    );
  }
  if (presign) return authenticatePresigned(req, target, state);
  if (authorization !== undefined) return authenticateHeader(req, target, state, authorization);
  if (target.params.some(([n]) => n === "AWSAccessKeyId") || target.params.some(([n]) => n === "Signature")) {
    throw invalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
  }
  throw accessDenied("Anonymous access is not allowed: sign the request (AWS Signature Version 4) with an S3 credential of the bucket.");
}

function authenticateHeader(req: IncomingMessage, target: RequestTarget, state: EmulatorState, authorization: string): Authenticated {
  const match = /^(\S+)\s+(.*)$/s.exec(authorization.trim());
  if (!match || match[1] !== ALGORITHM) {
    throw invalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
  }
  const fields = new Map<string, string>();
  for (const part of match[2].split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credentialField = fields.get("Credential");
  const signedHeadersField = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credentialField || !signedHeadersField || !signature) {
    throw malformedHeader("it must hold Credential=…, SignedHeaders=… and Signature=…");
  }
  const scope = parseCredential(credentialField);
  if (!scope) throw malformedHeader(`the Credential "${credentialField}" is not <key>/<date>/<region>/s3/aws4_request.`);
  const credential = lookUpCredential(state, scope.accessKeyId);

  const amzDate = header(req, "x-amz-date") ?? dateHeaderAsAmz(header(req, "date"));
  const requestTime = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || requestTime === undefined) {
    throw accessDenied("AWS authentication requires a valid Date or x-amz-date header");
  }
  checkScope(scope, amzDate, malformedHeader);
  const now = state.now();
  if (Math.abs(now.getTime() - requestTime.getTime()) > MAX_SKEW_MS) {
    throw new S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", [
      ["RequestTime", amzDate],
      ["ServerTime", now.toISOString()],
      ["MaxAllowedSkewMilliseconds", MAX_SKEW_MS],
    ]);
  }

  const payloadHash = header(req, "x-amz-content-sha256");
  if (payloadHash === undefined) throw invalidRequest("Missing required header for this request: x-amz-content-sha256");
  const payload = payloadModeOf(payloadHash);

  const signedHeaders = parseSignedHeaders(signedHeadersField, (m) => malformedHeader(m));
  requireHostSigned(signedHeaders);
  // S3 refuses x-amz-* headers outside the signature, so nothing that changes the meaning of a
  // request (a checksum, a copy source, metadata) can be added to a signed request on the way.
  const unsigned = Object.keys(req.headers).filter((name) => name.startsWith("x-amz-") && !signedHeaders.includes(name));
  if (unsigned.length > 0) {
    throw accessDenied("There were headers present in the request which were not signed", [["HeadersNotSigned", unsigned.join(", ")]]);
  }

  const canonical = canonicalRequest(req.method ?? "GET", target, req.rawHeaders, signedHeaders, payloadHash, false);
  return { credential, presigned: false, payload, signing: verifySignature(canonical, scope, amzDate, credential, signature) };
}

function dateHeaderAsAmz(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : formatAmzDate(new Date(time));
}

function authenticatePresigned(req: IncomingMessage, target: RequestTarget, state: EmulatorState): Authenticated {
  const q = (name: string) => target.params.find(([n]) => n === name)?.[1];
  const algorithm = q("X-Amz-Algorithm");
  if (algorithm !== ALGORITHM) throw malformedQuery(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const credentialField = q("X-Amz-Credential");
  const amzDate = q("X-Amz-Date");
  const expiresField = q("X-Amz-Expires");
  const signedHeadersField = q("X-Amz-SignedHeaders");
  const signature = q("X-Amz-Signature");
  if (!credentialField || !amzDate || !expiresField || !signedHeadersField || !signature) {
    throw malformedQuery(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  const scope = parseCredential(credentialField);
  if (!scope) throw malformedQuery(`X-Amz-Credential "${credentialField}" is not <key>/<date>/<region>/s3/aws4_request.`);
  const credential = lookUpCredential(state, scope.accessKeyId);
  const requestTime = parseAmzDate(amzDate);
  if (!requestTime) throw malformedQuery(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  checkScope(scope, amzDate, (m) => malformedQuery(`Error parsing the X-Amz-Credential parameter; ${m}`));
  if (!/^\d+$/.test(expiresField) || Number(expiresField) < 1 || Number(expiresField) > MAX_PRESIGN_SECONDS) {
    throw malformedQuery(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (seven days)`);
  }
  const now = state.now();
  const expiresAt = new Date(requestTime.getTime() + Number(expiresField) * 1000);
  if (requestTime.getTime() - now.getTime() > MAX_SKEW_MS) throw accessDenied("Request is not valid yet");
  if (now.getTime() > expiresAt.getTime()) {
    throw accessDenied("Request has expired", [
      ["X-Amz-Expires", expiresField],
      ["Expires", expiresAt.toISOString()],
      ["ServerTime", now.toISOString()],
    ]);
  }

  // Signers that hoist x-amz-* headers into the query keep their lower-case names, so match either case.
  const hoistedHash = target.params.find(([n]) => n.toLowerCase() === "x-amz-content-sha256")?.[1];
  const payloadHash = hoistedHash ?? header(req, "x-amz-content-sha256") ?? UNSIGNED_PAYLOAD;
  const payload = payloadModeOf(payloadHash);
  if (payload.kind === "streaming") throw invalidRequest("Streaming (aws-chunked) uploads cannot use a presigned URL.");

  const signedHeaders = parseSignedHeaders(signedHeadersField, malformedQuery);
  requireHostSigned(signedHeaders);
  const canonical = canonicalRequest(req.method ?? "GET", target, req.rawHeaders, signedHeaders, payloadHash, true);
  return { credential, presigned: true, payload, signing: verifySignature(canonical, scope, amzDate, credential, signature) };
}

/** Compares the signature the client sent with ours over the same canonical request. */
function verifySignature(
  canonical: string,
  scope: Scope,
  amzDate: string,
  credential: S3Credential,
  signature: string,
): Authenticated["signing"] {
  const scopeString = `${scope.date}/${REGION}/${SERVICE}/aws4_request`;
  const toSign = stringToSign(amzDate, scopeString, canonical);
  const key = signingKey(credential.secretAccessKey, scope.date);
  if (!signaturesEqual(hmacHex(key, toSign), signature)) {
    throw signatureMismatch(scope.accessKeyId, toSign, signature, canonical);
  }
  return { amzDate, scope: scopeString, key, seedSignature: signature.toLowerCase() };
}

/** The string a chunk signature signs: chained from the previous signature (the seed for the first chunk). */
export function chunkStringToSign(amzDate: string, scope: string, previousSignature: string, chunkSha256: string): string {
  return ["AWS4-HMAC-SHA256-PAYLOAD", amzDate, scope, previousSignature, EMPTY_SHA256, chunkSha256].join("\n");
}

/** The string the trailer signature signs: the hash of the trailing headers as `name:value\n` lines. */
export function trailerStringToSign(amzDate: string, scope: string, previousSignature: string, trailerSha256: string): string {
  return ["AWS4-HMAC-SHA256-TRAILER", amzDate, scope, previousSignature, trailerSha256].join("\n");
}
