// A custom origin, proxied: connection attempts and timeouts as the origin group sets them, TLS
// limited to its protocols, the answer buffered up to the cache's limit and streamed beyond it.
import { request as httpRequest, type IncomingMessage, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { rootCertificates, type SecureVersion } from "node:tls";
import type { CdnCustomOriginGroup } from "../state";
import { MAX_CACHED_ANSWER_BYTES } from "./cache";
import type { OriginAnswer } from "./origin";

export interface ProxyRequest {
  method: string;
  /** Path and query for the origin, origin path already in front. */
  target: string;
  viewerHeaders: IncomingHttpHeaders;
  viewerHost: string;
  viewerScheme: "http" | "https";
  clientAddress: string;
  body: Buffer;
}

/** An origin that could not be reached or did not answer in time: 502 or 504 at the edge. */
export class OriginUnavailable extends Error {
  constructor(
    readonly status: 502 | 504,
    message: string,
  ) {
    super(message);
  }
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/** The edge answers these itself from the whole answer it caches, so a GET asks the origin for all of it. */
const ANSWERED_AT_EDGE = new Set(["range", "if-range", "if-none-match", "if-modified-since", "if-match", "if-unmodified-since"]);

function forwardedHeaders(group: CdnCustomOriginGroup, request: ProxyRequest, port: number, defaultPort: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const whole = request.method === "GET" || request.method === "HEAD";
  for (const [name, value] of Object.entries(request.viewerHeaders)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith("x-forwarded-") || (whole && ANSWERED_AT_EDGE.has(name))) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  headers.host = port === defaultPort ? group.hostname : `${group.hostname}:${port}`;
  const priorFor = request.viewerHeaders["x-forwarded-for"];
  headers["x-forwarded-for"] = priorFor ? `${String(priorFor)}, ${request.clientAddress}` : request.clientAddress;
  headers["x-forwarded-host"] = request.viewerHost;
  headers["x-forwarded-proto"] = request.viewerScheme;
  headers["content-length"] = String(request.body.length);
  for (const header of group.customHeaders) headers[header.name.toLowerCase()] = header.value;
  return headers;
}

function tlsRange(protocols: readonly string[]): { minVersion: SecureVersion; maxVersion: SecureVersion } {
  const versions = protocols as SecureVersion[];
  return { minVersion: versions[0], maxVersion: versions[versions.length - 1] };
}

/** One attempt: the error when no connection was made (worth another attempt), else the answer. */
function attempt(
  group: CdnCustomOriginGroup,
  request: ProxyRequest,
  trustedCa: string,
): Promise<{ response: IncomingMessage } | { failure: Error }> {
  const https = group.protocolPolicy === "https_only" || (group.protocolPolicy === "match_viewer" && request.viewerScheme === "https");
  const port = https ? group.httpsPort : group.httpPort;
  const options = {
    host: group.hostname,
    port,
    method: request.method,
    path: request.target,
    headers: forwardedHeaders(group, request, port, https ? 443 : 80),
    agent: false as const,
  };
  return new Promise((resolve, reject) => {
    const outgoing = https
      ? httpsRequest({
          ...options,
          ...tlsRange(group.originSslProtocols),
          ca: [...rootCertificates, trustedCa],
          servername: isIP(group.hostname) ? undefined : group.hostname,
        })
      : httpRequest(options);
    let connected = false;
    const connectTimer = setTimeout(() => outgoing.destroy(new Error("connect timeout")), group.connectionTimeoutSeconds * 1000);
    let responseTimer: NodeJS.Timeout | undefined;
    const clear = () => {
      clearTimeout(connectTimer);
      if (responseTimer) clearTimeout(responseTimer);
    };
    outgoing.once("socket", (socket) => {
      const onConnect = () => {
        connected = true;
        clearTimeout(connectTimer);
        responseTimer = setTimeout(() => {
          outgoing.destroy();
          reject(
            new OriginUnavailable(504, `the origin ${group.hostname}:${port} did not answer within ${group.responseTimeoutSeconds} s`),
          );
        }, group.responseTimeoutSeconds * 1000);
      };
      socket.once(https ? "secureConnect" : "connect", onConnect);
    });
    outgoing.once("response", (response) => {
      clear();
      resolve({ response });
    });
    outgoing.once("error", (error) => {
      clear();
      if (!connected) resolve({ failure: error });
      else reject(new OriginUnavailable(502, `the origin ${group.hostname}:${port} failed: ${error.message}`));
    });
    outgoing.end(request.body);
  });
}

/** Buffers up to the cache's limit; past it, the rest streams (and the answer is not cached). */
async function readAnswer(response: IncomingMessage): Promise<OriginAnswer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === "content-length") continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const status = response.statusCode ?? 502;
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early must not destroy the response: what is left streams to the viewer.
  for await (const chunk of response.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_CACHED_ANSWER_BYTES) return { status, headers, body: Buffer.concat(chunks), rest: response };
  }
  return { status, headers, body: Buffer.concat(chunks) };
}

export async function proxyToOrigin(group: CdnCustomOriginGroup, request: ProxyRequest, trustedCa: string): Promise<OriginAnswer> {
  let failure: Error | undefined;
  for (let attempts = 1; attempts <= group.connectionAttempts; attempts++) {
    const outcome = await attempt(group, request, trustedCa);
    if ("response" in outcome) return readAnswer(outcome.response);
    failure = outcome.failure;
  }
  const tries = group.connectionAttempts === 1 ? "1 attempt" : `${group.connectionAttempts} attempts`;
  throw new OriginUnavailable(502, `cannot connect to the origin ${group.hostname} after ${tries}: ${failure?.message}`);
}
