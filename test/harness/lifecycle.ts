// One emulator, one real provider host configured for it, and a scripted engine: what every
// lifecycle test file starts with.
import { Engine } from "./engine";
import { ProviderHost } from "./providerHost";
import { cleanEnv, stackConfig, startTestEmulator, type Emulator } from "./emulator";
import type { EmulatorOptions } from "../../emulator";

export interface Lifecycle {
  emu: Emulator;
  host: ProviderHost;
  engine: Engine;
  close(): Promise<void>;
}

export interface LifecycleOptions {
  /** The host's working directory, the program's folder (relative paths resolve against it); default the repository. */
  cwd?: string;
  /** The emulator's options (a dialect, delays); its port and host are always a free loopback port. */
  emulator?: Omit<EmulatorOptions, "port" | "host">;
}

export async function startLifecycle(extraConfig: Record<string, string> = {}, options: LifecycleOptions = {}): Promise<Lifecycle> {
  const emu = await startTestEmulator(options.emulator);
  const host = await ProviderHost.start({ env: cleanEnv(), cwd: options.cwd });
  await host.configure(stackConfig(emu, extraConfig));
  const engine = await Engine.create(host);
  return {
    emu,
    host,
    engine,
    close: async () => {
      await host.close();
      await emu.close();
    },
  };
}
