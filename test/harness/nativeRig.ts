// A cloud under test through its native plugin: the plugin started as the engine starts it (with a
// stand-in engine for its log lines), configured, and the scripted engine in front of it, beside
// the cloud's emulator. Each cloud's harness (test/<cloud>/harness.ts) starts its emulator and says
// how its plugin is configured; this is what they share.
import { Engine } from "./engine";
import { ProviderHost, REPO_ROOT, configurePlugin } from "./providerHost";
import { StandInEngine } from "./standInEngine";

export interface NativeRig<E> {
  emu: E;
  host: ProviderHost;
  engine: Engine;
  logs: StandInEngine;
  close(): Promise<void>;
}

export interface PluginSpec {
  /** The plugin's built entry point. */
  plugin: string;
  /** Its package name (type tokens `<pkg>:index:<Kind>`). */
  pkg: string;
  /** The environment it runs in (without the cloud's own variables: a developer's shell must not leak in). */
  env: NodeJS.ProcessEnv;
  /** Its settings, without the namespace. */
  settings: Record<string, unknown>;
  /** The program's folder; default the repository. */
  cwd?: string;
}

/** The native plugin as the engine starts it, in `cwd`, configured. */
export async function startPlugin(spec: PluginSpec, logs: StandInEngine): Promise<ProviderHost> {
  const host = await ProviderHost.startExecutable(spec.plugin, {
    cwd: spec.cwd ?? REPO_ROOT,
    engineAddress: logs.address,
    env: spec.env,
    pkg: spec.pkg,
  });
  await configurePlugin(host, spec.settings);
  return host;
}

/** The rig around a started emulator; closing it stops the plugin, the stand-in engine and the emulator. */
export async function startNativeRig<E extends { stop(): Promise<void> }>(emu: E, spec: PluginSpec): Promise<NativeRig<E>> {
  const logs = await StandInEngine.start();
  const host = await startPlugin(spec, logs);
  const engine = await Engine.create(host);
  return {
    emu,
    host,
    engine,
    logs,
    close: async () => {
      await host.close();
      await logs.close();
      await emu.stop();
    },
  };
}
