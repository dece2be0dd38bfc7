// Test helpers around the emulator: start one on a free loopback port, call its management API
// the way a user with curl would, and the provider configuration that points at it.
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

export type { Emulator };

/** On a free loopback port; `options` adds to that (e.g. a `dialect`). */
export async function startTestEmulator(options: Omit<EmulatorOptions, "port" | "host"> = {}): Promise<Emulator> {
  return startEmulator({ ...options, port: 0, host: "127.0.0.1" });
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** A management API call with the emulator's API key. */
export async function api<T = any>(
  emu: Pick<Emulator, "url" | "apiKey">,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: emu.apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Every item of a paginated list route. */
export async function listAll<T = any>(emu: Emulator, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const { status, body } = await api(emu, "GET", `${path}${sep}page=${page}&limit=100`);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(body)}`);
    items.push(...body.data);
    if (page >= body.pagination.total_pages) return items;
  }
}

/** Stack configuration for the provider, as `pulumi config` would hand it over. Fast retries for tests. */
export function stackConfig(emu: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    "mamutecloud:apiKey": emu.apiKey,
    "mamutecloud:endpoint": emu.url,
    "mamutecloud:s3Endpoint": emu.s3Url,
    "mamutecloud:retryBaseDelay": "0.05",
    "mamutecloud:retryMaxDelay": "2",
    ...extra,
  };
}

/** The test runner's environment without MAMUTECLOUD_* (a developer's shell must not leak in). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("MAMUTECLOUD_")) env[key] = value;
  }
  return { ...env, ...extra };
}
