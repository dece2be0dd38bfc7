// A small client for the emulator's management API, as a user's curl would see it: status,
// headers and parsed JSON, with the API key sent as `Authorization` unless told otherwise.
import { request } from "node:http";
import { startEmulator, type Emulator } from "../../emulator";

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  /** Raw request body (for invalid JSON); wins over `body`. */
  rawBody?: string;
  /** Replaces the default `Authorization: <api key>`; `{}` sends no credential. */
  headers?: Record<string, string>;
}

export class Api {
  constructor(
    readonly emu: Emulator,
    private readonly baseUrl = emu.url,
  ) {}

  async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers = options.headers ?? { authorization: this.emu.apiKey };
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body,
    });
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("json") ?? false;
    return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text };
  }

  get<T = any>(path: string, options?: CallOptions) {
    return this.call<T>("GET", path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: CallOptions) {
    return this.call<T>("POST", path, { ...options, body });
  }
  put<T = any>(path: string, body?: unknown, options?: CallOptions) {
    return this.call<T>("PUT", path, { ...options, body });
  }
  delete<T = any>(path: string, options?: CallOptions) {
    return this.call<T>("DELETE", path, options);
  }
}

/** Starts an emulator on free loopback ports for one test file and closes it afterwards. */
export function useEmulator(): { emu: () => Emulator; api: () => Api } {
  let emu: Emulator | undefined;
  let api: Api | undefined;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    api = new Api(emu);
  });
  afterAll(async () => {
    await emu?.close();
  });
  return {
    emu: () => emu ?? fail("emulator not started"),
    api: () => api ?? fail("emulator not started"),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** Asserts the documented error shape and returns it. */
export function expectError(answer: Answer, status: number, code: string, field?: string) {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(typeof answer.body.error.message).toBe("string");
  if (field !== undefined) {
    expect(answer.body.error.field).toBe(field);
    expect(answer.body.error.message.startsWith(`${field}`)).toBe(true);
  }
  return answer.body.error as { code: string; message: string; field?: string };
}

/**
 * A request with the path sent exactly as given (fetch resolves `..` and `%2E%2E` segments before
 * sending, which is the very thing some tests must not have done).
 */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
  body?: string | Buffer,
): Promise<Answer<any>> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({ host: target.hostname, port: target.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const isJson = String(res.headers["content-type"] ?? "").includes("json");
        resolve({
          status: res.statusCode ?? 0,
          headers: new Headers(res.headers as Record<string, string>),
          body: isJson && text ? JSON.parse(text) : text,
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
