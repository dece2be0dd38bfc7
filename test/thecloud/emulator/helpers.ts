// A small client for The Cloud's emulator, as a user's curl would see it: status, headers and the
// body (parsed when JSON), with the emulator's key sent as `X-API-Key` unless told otherwise.
import { createHash } from "node:crypto";
import { startTheCloudEmulator, type TheCloudEmulator, type TheCloudEmulatorOptions } from "../../../thecloud/emulator";
import { rawRequest, type Answer } from "../../emulator/helpers";

export { rawRequest };

/** What a call answers: status, headers and the body (parsed when JSON); the same as the MamuteCloud emulator tests'. */
export type { Answer };

export interface CallOptions {
  /** JSON body. */
  body?: unknown;
  /** Raw body (bytes or invalid JSON); wins over `body`. */
  raw?: string | Buffer;
  /** Replaces the default `X-API-Key: <emulator key>`; `{}` sends no key. */
  headers?: Record<string, string>;
  /** Sent as `X-API-Key` instead of the emulator's key. */
  key?: string;
}

export class Api {
  constructor(
    readonly emu: TheCloudEmulator,
    readonly baseUrl = emu.url,
  ) {}

  /** Sent over node:http, the path exactly as given (fetch would resolve `..` segments first). */
  call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? { "x-api-key": options.key ?? this.emu.apiKey }) };
    const json = options.raw === undefined && options.body !== undefined;
    if (json) headers["content-type"] ??= "application/json";
    const prefix = new URL(this.baseUrl).pathname.replace(/\/$/, "");
    return rawRequest(this.baseUrl, method, `${prefix}${path}`, headers, options.raw ?? (json ? JSON.stringify(options.body) : undefined));
  }

  get<T = any>(path: string, options?: CallOptions) {
    return this.call<T>("GET", path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: CallOptions) {
    return this.call<T>("POST", path, { ...options, body });
  }
  put<T = any>(path: string, raw: string | Buffer, options?: CallOptions) {
    return this.call<T>("PUT", path, { ...options, raw });
  }
  patch<T = any>(path: string, body?: unknown, options?: CallOptions) {
    return this.call<T>("PATCH", path, { ...options, body });
  }
  delete<T = any>(path: string, options?: CallOptions) {
    return this.call<T>("DELETE", path, options);
  }
}

/**
 * Starts an emulator on a free loopback port for one test file and stops it afterwards. The auth
 * limit is off unless a test asks for it (it has its own file), and each test starts from a reset.
 */
export function useTheCloud(options: TheCloudEmulatorOptions = {}): { emu: () => TheCloudEmulator; api: () => Api } {
  const running: { emu?: TheCloudEmulator; api?: Api } = {};
  beforeAll(async () => {
    running.emu = await startTheCloudEmulator({ port: 0, authRateLimit: 0, ...options });
    running.api = new Api(running.emu);
  });
  beforeEach(() => {
    running.emu?.reset();
    running.emu?.setDialect([]);
  });
  afterAll(() => running.emu?.stop());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("The Cloud's emulator is not started: call emu() and api() inside tests");
    return value;
  };
  return { emu: () => started(running.emu), api: () => started(running.api) };
}

/** Asserts The Cloud's default error body and returns it. */
export function expectError(answer: Answer, status: number, code: string, message?: RegExp) {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(answer.body.error).sort()).toEqual(["code", "message"]);
  if (message) expect(answer.body.error.message).toMatch(message);
  return answer.body.error as { code: string; message: string };
}

/** A bucket made through the API (asserted). */
export async function makeBucket(api: Api, name: string, extra: Record<string, unknown> = {}) {
  const answer = await api.post("/storage/buckets", { name, ...extra });
  expect(answer.status).toBe(201);
  return answer.body;
}

export const MIB = 1024 * 1024;

export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
