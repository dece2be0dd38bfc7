// A small client for Shardlyn's emulator, as a user's curl would see it: status, headers and the
// body (parsed when JSON), sending `Authorization: Bearer <the emulator's API token>` unless told
// otherwise; and `useShardlyn`, one emulator per test file, reset before each test.
import { startShardlynEmulator, type ShardlynEmulator, type ShardlynEmulatorOptions } from "../../../shardlyn/emulator";
import { rawRequest, type Answer } from "../../emulator/helpers";

export { rawRequest };

export type { Answer };

export interface CallOptions {
  /** JSON body. */
  body?: unknown;
  /** Raw body (invalid JSON, bytes); wins over `body`. */
  raw?: string | Buffer;
  /** Sent as the bearer token instead of the emulator's API token; `null` sends no Authorization. */
  token?: string | null;
  headers?: Record<string, string | number>;
}

export class Client {
  constructor(readonly emu: ShardlynEmulator) {}

  call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const token = options.token === undefined ? this.emu.apiToken : options.token;
    const headers: Record<string, string | number> = {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...options.headers,
    };
    const raw = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (raw !== undefined) headers["content-type"] ??= "application/json";
    return rawRequest(this.emu.url, method, path, headers, raw);
  }

  get(path: string, options?: CallOptions) {
    return this.call("GET", path, options);
  }
  post(path: string, body?: unknown, options?: CallOptions) {
    return this.call("POST", path, { ...options, body });
  }
  put(path: string, body?: unknown, options?: CallOptions) {
    return this.call("PUT", path, { ...options, body });
  }
  delete(path: string, options?: CallOptions) {
    return this.call("DELETE", path, options);
  }

  /** Signs in as the emulator's user; answers the token pair. */
  async login(): Promise<{ access_token: string; refresh_token: string; expires_in: number; token_type: string }> {
    const answer = await this.post("/v1/auth/login", { email: this.emu.email, password: this.emu.password }, { token: null });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** Creates a record in the starting zone; answers the answer. */
  record(fields: Record<string, unknown>, options?: CallOptions) {
    return this.post("/v1/dns/records", { credential_id: this.emu.credentialId, zone_id: this.emu.zoneId, ttl: 300, ...fields }, options);
  }
}

export function useShardlyn(options: ShardlynEmulatorOptions = {}): { emu: () => ShardlynEmulator; api: () => Client } {
  const running: { emu?: ShardlynEmulator; api?: Client } = {};
  beforeAll(async () => {
    running.emu = await startShardlynEmulator({ port: 0, ...options });
    running.api = new Client(running.emu);
  });
  beforeEach(() => {
    const emu = running.emu;
    if (!emu) return;
    // A reset keeps the settings: back to this file's own before each test.
    emu.reset();
    emu.setDialect(options.dialect ?? []);
    emu.setJwtLifetimeMs(options.jwtLifetimeMs ?? 900_000);
    emu.setApiTokensOnJwtRoutes(options.apiTokensOnJwtRoutes ?? true);
    emu.setRateLimit({ requests: options.rateLimit?.requests ?? 0, windowMs: options.rateLimit?.windowMs ?? 60_000 });
  });
  afterAll(() => running.emu?.stop());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("Shardlyn's emulator is not started: call emu() and api() inside tests");
    return value;
  };
  return { emu: () => started(running.emu), api: () => started(running.api) };
}

/** Asserts the documented error body `{"error": "<message>"}` and its status. */
export function expectError(answer: Answer, status: number, message?: string | RegExp): void {
  expect({ status: answer.status, keys: Object.keys(answer.body ?? {}) }).toEqual({ status, keys: ["error"] });
  expect(typeof answer.body.error).toBe("string");
  if (typeof message === "string") expect(answer.body.error).toBe(message);
  else if (message) expect(answer.body.error).toMatch(message);
}
