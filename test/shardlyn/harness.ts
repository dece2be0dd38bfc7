// Shardlyn under test: its emulator on a free loopback port, its native plugin started as the
// engine starts it (with a stand-in engine for its log lines), configured for the emulator, and the
// scripted engine in front of it.
import * as path from "node:path";
import { startShardlynEmulator, type ShardlynEmulator, type ShardlynEmulatorOptions } from "../../shardlyn/emulator";
import { startNativeRig, type NativeRig } from "../harness/nativeRig";
import { REPO_ROOT } from "../harness/providerHost";

export const PLUGIN = path.join(REPO_ROOT, "shardlyn", "dist", "shardlyn", "provider", "plugin.js");

export type ShardlynRig = NativeRig<ShardlynEmulator>;

/** The test runner's environment without SHARDLYN_* (a developer's shell must not leak in). */
export function shardlynEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("SHARDLYN_")));
}

/** How the provider signs in: the emulator's user (a JWT session), its API token, or both. */
export type SignIn = "session" | "token" | "both";

/** The provider's settings for `emu`, fast retries for tests. */
export function shardlynSettings(
  emu: Pick<ShardlynEmulator, "url" | "apiToken" | "email" | "password">,
  signIn: SignIn,
  extra: Record<string, unknown> = {},
) {
  return {
    endpoint: emu.url,
    ...(signIn !== "session" && { token: emu.apiToken }),
    ...(signIn !== "token" && { email: emu.email, password: emu.password }),
    retryBaseDelay: 0.05,
    retryMaxDelay: 2,
    ...extra,
  };
}

export async function startShardlyn(
  options: {
    emulator?: Omit<ShardlynEmulatorOptions, "port" | "host">;
    signIn?: SignIn;
    settings?: Record<string, unknown>;
    cwd?: string;
  } = {},
): Promise<ShardlynRig> {
  const emu = await startShardlynEmulator({ ...options.emulator, port: 0, host: "127.0.0.1" });
  return startNativeRig(emu, {
    plugin: PLUGIN,
    pkg: "shardlyn",
    env: shardlynEnv(),
    settings: shardlynSettings(emu, options.signIn ?? "session", options.settings),
    cwd: options.cwd,
  });
}

/** A call to the emulator's API with its API token, as a user with curl would make it. */
export async function shardlynApi<T = any>(emu: Pick<ShardlynEmulator, "url" | "apiToken">, method: string, route: string, body?: unknown) {
  const response = await fetch(`${emu.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${emu.apiToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
