// Status lines for long waits (a rate-limited API, a CDN deployment, a certificate issuance, a large
// sync). The host running an operation installs a reporter for its duration; code anywhere below
// (the client's retry waits, a resource's poll loop) reports without being handed it. The native
// plugin sends each line to the engine as an ephemeral log on the resource's row; the dynamic host
// installs none (it has no way to reach the engine's log): there retry waits stay silent and the
// polls of provider/wait.ts print their lines as they always have.
import { AsyncLocalStorage } from "node:async_hooks";

export type ProgressReporter = (message: string) => void;

const current = new AsyncLocalStorage<ProgressReporter>();

export function withProgress<T>(reporter: ProgressReporter, run: () => Promise<T>): Promise<T> {
  return current.run(reporter, run);
}

/** The reporter of the operation running now; capture it where a callback may run elsewhere. */
export function currentReporter(): ProgressReporter | undefined {
  return current.getStore();
}

/**
 * One status line: what is awaited, its status, how long it has taken. Never a secret. False when
 * no host reporter runs this operation (the dynamic host), so the caller may say it its own way.
 */
export function reportProgress(message: string): boolean {
  const reporter = current.getStore();
  reporter?.(message);
  return reporter !== undefined;
}

/** A status line on the resource's row (native plugin), or the engine's log (the dynamic host). */
export function statusLine(message: string): void {
  if (reportProgress(message)) return;
  // Loaded only here: all of @pulumi/pulumi is about 700 modules, which the native plugin (whose
  // lines always have a reporter) would otherwise load at every start for nothing.
  const { log } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  void log.info(message);
}
