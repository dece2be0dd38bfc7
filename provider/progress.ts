// Status lines for long waits (a rate-limited API, a CDN deployment, a certificate issuance, a large
// sync). The host running an operation installs a reporter for its duration; code anywhere below
// (the client's retry waits, a resource's poll loop) reports without being handed it. The native
// plugin sends each line to the engine as an ephemeral log on the resource's row; the dynamic host
// has no way to reach the engine's log, so there the lines go nowhere.
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

/** One status line: what is awaited, its status, how long it has taken. Never a secret. */
export function reportProgress(message: string): void {
  current.getStore()?.(message);
}
