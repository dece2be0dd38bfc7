// The Cloud under test: its emulator on a free loopback port, its native plugin started as the
// engine starts it (with a stand-in engine for its log lines), configured for the emulator, and
// the scripted engine in front of it.
import * as path from "node:path";
import { startTheCloudEmulator, type TheCloudEmulator, type TheCloudEmulatorOptions } from "../../thecloud/emulator";
import { startNativeRig, startPlugin, type NativeRig } from "../harness/nativeRig";
import { ProviderHost, REPO_ROOT } from "../harness/providerHost";
import type { StandInEngine } from "../harness/standInEngine";

export const PLUGIN = path.join(REPO_ROOT, "thecloud", "dist", "thecloud", "provider", "plugin.js");

export type TheCloudRig = NativeRig<TheCloudEmulator>;

/** The test runner's environment without THECLOUD_* (a developer's shell must not leak in). */
export function theCloudEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("THECLOUD_")));
}

/** The provider's settings for `emu`, fast retries for tests. */
export function theCloudSettings(emu: Pick<TheCloudEmulator, "url" | "apiKey">, extra: Record<string, unknown> = {}) {
  return { apiKey: emu.apiKey, endpoint: emu.url, retryBaseDelay: 0.05, retryMaxDelay: 2, ...extra };
}

/** The native plugin's spec for `emu`: its settings (in the `base-path` dialect, the endpoint a user would set, under /api/v1). */
function pluginSpec(
  emu: Pick<TheCloudEmulator, "url" | "apiKey" | "dialect">,
  options: { settings?: Record<string, unknown>; cwd?: string },
) {
  const endpoint = emu.dialect().includes("base-path") ? `${emu.url}/api/v1` : emu.url;
  return {
    plugin: PLUGIN,
    pkg: "thecloud",
    env: theCloudEnv(),
    settings: theCloudSettings(emu, { endpoint, ...options.settings }),
    cwd: options.cwd,
  };
}

/** The native plugin as the engine starts it, in `cwd` (the program's folder), configured for `emu`. */
export function startTheCloudPlugin(
  emu: Pick<TheCloudEmulator, "url" | "apiKey" | "dialect">,
  logs: StandInEngine,
  options: { settings?: Record<string, unknown>; cwd?: string } = {},
): Promise<ProviderHost> {
  return startPlugin(pluginSpec(emu, options), logs);
}

export async function startTheCloud(
  options: { emulator?: Omit<TheCloudEmulatorOptions, "port" | "host">; settings?: Record<string, unknown>; cwd?: string } = {},
): Promise<TheCloudRig> {
  const emu = await startTheCloudEmulator({ ...options.emulator, port: 0, host: "127.0.0.1" });
  return startNativeRig(emu, pluginSpec(emu, options));
}

/** A call to the emulator's API with its key, as a user with curl would make it. */
export async function theCloudApi<T = any>(emu: Pick<TheCloudEmulator, "url" | "apiKey">, method: string, route: string, body?: unknown) {
  const send = () =>
    fetch(`${emu.url}${route}`, {
      method,
      headers: { "x-api-key": emu.apiKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await send();
  // The auth routes' limit applies to the test's own calls too: wait as the server says, as a user would.
  for (let tries = 0; response.status === 429 && tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("retry-after") ?? 1) * 1000));
    response = await send();
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed as T };
}
