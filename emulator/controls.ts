// The server around every plane: it counts each request by route key, applies the rate limit and
// the fault rules, then lets the plane answer. Planes know nothing of this, so the S3 plane gets
// exactly the same counter and faults as the management API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { PLANE_NAMES, type Plane, type PlaneName } from "./plane";
import { FaultInjector, readFaultConfig, type FaultConfig, type FaultReport } from "./faults";
import { RateLimiter, readRateLimitConfig, type RateLimitConfig } from "./rate-limit";
import { ApiError, errorCodeForStatus, sendError } from "./management/http";
import { parseRequestUrl } from "./management/router";
import { sendText } from "./edge/text";

export interface RequestCounts {
  total: number;
  /** Requests refused by the rate limit (429, or 503 SlowDown on S3). */
  throttled: number;
  /** By route key: `{"POST /object-storage/buckets": 2, "S3 PutObject": 5}`. */
  routes: Record<string, number>;
}

export class EmulatorControls<PlaneNames extends string = PlaneName> {
  private total = 0;
  private throttled = 0;
  private routes = new Map<string, number>();
  readonly faults = new FaultInjector<PlaneNames>();
  readonly rateLimiter = new RateLimiter();

  /** `planes`: the names a fault rule's `plane` may take (MamuteCloud's three by default). */
  constructor(readonly planes: readonly PlaneNames[] = PLANE_NAMES as readonly PlaneNames[]) {}

  count(routeKey: string): void {
    this.total++;
    this.routes.set(routeKey, (this.routes.get(routeKey) ?? 0) + 1);
  }

  requests(): RequestCounts {
    return { total: this.total, throttled: this.throttled, routes: Object.fromEntries(this.routes) };
  }

  /** The counter's reset and the fault rules as every emulator's handle offers them to a test, bound to these controls. */
  testControls(): Pick<ControlledEmulator<PlaneNames, string>, "resetRequests" | "setFaults" | "clearFaults" | "faults"> {
    return {
      resetRequests: () => this.resetRequests(),
      setFaults: (config) => this.setFaults(config),
      clearFaults: () => this.faults.clear(),
      faults: () => this.faultReport(),
    };
  }

  countThrottled(): void {
    this.throttled++;
  }

  resetRequests(): void {
    this.total = 0;
    this.throttled = 0;
    this.routes = new Map();
  }

  /** Throws `ControlConfigError` (naming the field) for a rule that cannot work. */
  setFaults(config: FaultConfig<PlaneNames>): void {
    this.faults.set(readFaultConfig(config, "camel", this.planes));
  }

  faultReport(): FaultReport<PlaneNames> {
    return this.faults.report();
  }

  setRateLimit(config: RateLimitConfig): void {
    this.rateLimiter.set(readRateLimitConfig(config, "camel"));
  }
}

const S3_ERROR_CODES: Record<number, string> = {
  400: "InvalidRequest",
  403: "AccessDenied",
  404: "NotFound",
  409: "Conflict",
  429: "SlowDown",
  500: "InternalError",
  501: "NotImplemented",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c] ?? c);
}

function sendS3Error(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
): void {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
    `<RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(status, {
    ...headers,
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(xml),
    "x-amz-request-id": requestId,
  });
  res.end(req.method === "HEAD" ? undefined : xml);
}

/** An answer made by the server rather than the plane, in the plane's own error format. */
function sendPlaneError(
  plane: Plane<string>,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  s3Code?: string,
): void {
  if (plane.name === "s3") {
    sendS3Error(req, res, status, s3Code ?? S3_ERROR_CODES[status] ?? "InjectedFault", message, headers);
  } else if (plane.name === "edge") {
    sendText(res, status, message, headers, req.method);
  } else {
    const error = new ApiError(status, errorCodeForStatus(status), message, undefined, headers);
    if (plane.writeError) plane.writeError(res, error);
    else sendError(res, error);
  }
}

/**
 * Runs the request to completion but never lets its answer out, then closes the connection: the
 * change happened and the client cannot know. The answer is dropped once the handler ends it (or
 * returns), so a handler that waits for its response to finish cannot hang.
 */
async function handleWithLostResponse(plane: Plane<string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const socket = req.socket;
  let ended!: () => void;
  const endCalled = new Promise<void>((resolve) => (ended = resolve));
  res.write = (() => true) as unknown as ServerResponse["write"];
  res.flushHeaders = () => undefined;
  res.end = ((...args: unknown[]) => {
    const callback = args.find((arg): arg is () => void => typeof arg === "function");
    ended();
    if (callback) setImmediate(callback);
    return res;
  }) as unknown as ServerResponse["end"];
  const handled = plane.handle(req, res).catch(() => undefined);
  await Promise.race([handled, endCalled.then(() => new Promise((resolve) => setImmediate(resolve)))]);
  socket.destroy();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isValidTarget(rawUrl: string | undefined): boolean {
  try {
    parseRequestUrl(rawUrl);
    return true;
  } catch {
    return false;
  }
}

async function dispatch<P extends string>(
  plane: Plane<P>,
  controls: EmulatorControls<P>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // An absolute-form request target such as `http://[x` is the client's mistake, not a crash.
  if (!isValidTarget(req.url))
    return sendPlaneError(plane, req, res, 400, `the request target ${JSON.stringify(req.url)} is not a valid URL`, {}, "InvalidURI");
  const routeKey = plane.routeKey(req);
  if (routeKey === undefined) return plane.handle(req, res);
  controls.count(routeKey);

  const limited = controls.rateLimiter.take(plane.name);
  if (limited) {
    controls.countThrottled();
    const headers = { "retry-after": String(limited.retryAfterSeconds) };
    const message = `rate limit of ${limited.requestsPerSecond} requests per second exceeded; retry after ${limited.retryAfterSeconds} s`;
    // S3 throttles with 503 SlowDown, which every S3 SDK knows to back off from.
    return sendPlaneError(plane, req, res, plane.name === "s3" ? 503 : 429, message, headers, "SlowDown");
  }

  const decision = controls.faults.decide(plane.name, req.method ?? "GET", routeKey);
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  switch (decision.action?.kind) {
    case undefined:
      return plane.handle(req, res);
    case "status": {
      const { status, retryAfter } = decision.action;
      const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
      // The body is read first, as a server that refuses what it received does: answered while the
      // client is still sending a large body, the refusal would often reach it as a broken
      // connection instead of this status.
      await drained(req);
      return sendPlaneError(plane, req, res, status, `injected fault: ${status} on ${routeKey}`, headers);
    }
    case "drop":
      req.socket.destroy();
      return;
    case "lost_response":
      return handleWithLostResponse(plane, req, res);
  }
}

/** Bodies an injected status fault reads before answering; a larger one is answered at once. */
const DRAINED_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * Resolves once the request body is read and discarded: at once past the limit, on an error, or for
 * a client waiting for `100 Continue` (it has sent no body, and is refused before it does).
 */
function drained(req: IncomingMessage): Promise<void> {
  const waitsForContinue = /100-continue/i.test(String(req.headers.expect ?? ""));
  if (req.readableEnded || waitsForContinue || Number(req.headers["content-length"] ?? 0) > DRAINED_BODY_LIMIT) return Promise.resolve();
  return new Promise((resolve) => {
    req.once("end", resolve);
    req.once("error", () => resolve());
    req.once("close", () => resolve());
    req.resume();
  });
}

/** Every request that may change something is followed by a save (coalesced; see data-dir.ts). */
export function savingAfterChanges<P extends string>(plane: Plane<P>, state: { changed(): void }): Plane<P> {
  return {
    ...plane,
    handle: async (req, res) => {
      try {
        await plane.handle(req, res);
      } finally {
        if (req.method !== "GET" && req.method !== "HEAD") state.changed();
      }
    },
  };
}

export function servePlane<P extends string>(plane: Plane<P>, controls: EmulatorControls<P>): Server {
  return createServer(planeListener(plane, controls));
}

/** The plane behind the counter, faults and rate limit, for a server made elsewhere (the HTTPS edge). */
export function planeListener<P extends string>(
  plane: Plane<P>,
  controls: EmulatorControls<P>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    dispatch(plane, controls, req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      sendPlaneError(plane, req, res, 500, `emulator error: ${(error as Error)?.message ?? String(error)}`);
    });
  };
}

/**
 * What a one-port emulator built on these controls (The Cloud's, Shardlyn's) offers a test: where
 * it listens, its request counter, fault rules and dialect, its clock, a reset and a stop.
 */
export interface ControlledEmulator<Plane extends string, DialectName extends string> {
  /** The base URL (loopback when listening on every interface): the endpoint. */
  readonly url: string;
  readonly port: number;
  /** Requests since start or the last reset, by route key; `/_emulator` ones are not counted. */
  requestCounts(): RequestCounts;
  resetRequests(): void;
  /** Replaces the fault rules; throws `ControlConfigError` naming a bad field. */
  setFaults(config: FaultConfig<Plane>): void;
  clearFaults(): void;
  faults(): FaultReport<Plane>;
  /** Switches the dialect at once (`[]` or `"default"` for none); throws `ControlConfigError`. */
  setDialect(names: string | readonly string[]): void;
  dialect(): readonly DialectName[];
  /** Moves the emulator's clock forward. */
  advanceClock(ms: number): void;
  now(): Date;
  /** Back to a fresh start (`POST /_emulator/reset`). */
  reset(): void;
  stop(): Promise<void>;
  /** The same as `stop`. */
  close(): Promise<void>;
}
