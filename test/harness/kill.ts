// An `up` whose provider host is SIGKILLed at a chosen point, and the next `up` after it: a new
// host, configured, and the checkpoint as the killed run left it (Engine.resumeWith).
import type { Engine } from "./engine";
import { cleanEnv, stackConfig, type Emulator } from "./emulator";
import { ProviderHost } from "./providerHost";

/**
 * Runs `up` and kills its host once `route` has been requested `count` times, plus `delayMs`;
 * returns the engine of the next run. Fails unless the kill cut the run short.
 */
export async function killedRun(
  emu: Emulator,
  engine: Engine,
  up: (engine: Engine) => Promise<unknown>,
  kill: { route: string; count: number; delayMs: number },
  hosts: ProviderHost[],
  /** The next run's host, configured; default a dynamic provider host for `emu`. */
  restart?: () => Promise<ProviderHost>,
): Promise<Engine> {
  emu.resetRequests();
  let finished = false;
  const run = up(engine)
    .then(
      () => "finished",
      () => "failed",
    )
    .finally(() => (finished = true));
  while (!finished && (emu.requests().routes[kill.route] ?? 0) < kill.count) await new Promise((resolve) => setTimeout(resolve, 2));
  await new Promise((resolve) => setTimeout(resolve, kill.delayMs));
  await engine.host.kill();
  // The run was cut short, not finished: the kill landed where the test meant it to.
  if ((await run) !== "failed")
    throw new Error(`the run finished before the kill (${kill.route} × ${kill.count}): ${JSON.stringify(emu.requests().routes)}`);
  if (restart) return engine.resumeWith(await restart());
  const host = await ProviderHost.start({ env: cleanEnv() });
  hosts.push(host);
  await host.configure(stackConfig(emu));
  return engine.resumeWith(host);
}
