// Runs a whole Pulumi program against the real provider host: the program runs under mocks in a
// child process (test/harness/program-child.js) and each dynamic resource it registers is applied
// here through the scripted engine, in registration order. Resources of the previous run that the
// program no longer declares are deleted afterwards, newest first, as the engine does.
import { fork } from "node:child_process";
import * as path from "node:path";
import { CheckFailedError, type Engine, type Step } from "./engine";
import type { Props } from "./providerHost";

export interface ProgramStep extends Step {
  kind: string;
  name: string;
}

export interface ProgramRun {
  steps: ProgramStep[];
  deleted: string[];
  /** The `__provider` each resource registered with, by resource name. */
  providers: Record<string, string>;
  /** The program's exports, resolved (the stack outputs). */
  outputs: Record<string, any>;
}

export interface ProgramOptions {
  /** The program's working directory (Pulumi runs it in the project's folder); default the script's folder. */
  cwd?: string;
  /**
   * Fails the run after this long and stops the program, so a step that hangs (a wait that never
   * ends) fails its test with a message instead of leaving a child that keeps jest from exiting.
   */
  timeoutMs?: number;
}

const DYNAMIC = "pulumi-nodejs:dynamic/mamutecloud:";

export async function runProgram(
  engine: Engine,
  programJs: string,
  env: NodeJS.ProcessEnv = process.env,
  options: ProgramOptions = {},
): Promise<ProgramRun> {
  const before = new Set(engine.state.keys());
  const steps: ProgramStep[] = [];
  const providers: Record<string, string> = {};
  const child = fork(path.join(__dirname, "program-child.js"), [programJs], {
    cwd: options.cwd ?? path.dirname(programJs),
    env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));

  let outputs: Record<string, any> = {};
  /** Steps started and not yet answered; a failed program waits for them, as the engine does. */
  const inFlight = new Set<Promise<void>>();
  let programFailed = false;
  const finished = new Promise<void>((resolve, reject) => {
    child.on("message", async (message: any) => {
      if (message.kind === "done") {
        outputs = message.outputs;
        return resolve();
      }
      if (message.kind === "failed") {
        programFailed = true;
        // The steps already started finish (and stay in state) before the update fails.
        await Promise.allSettled([...inFlight]);
        return reject(new Error(`program failed: ${message.error}\n${output}`));
      }
      const step = applyStep(message);
      inFlight.add(step);
      await step;
      inFlight.delete(step);
    });
    child.on("exit", (code) => {
      if (!programFailed) reject(new Error(`program process exited (${code}) before finishing:\n${output}`));
    });
  });

  async function applyStep(message: any): Promise<void> {
    const { type, name, inputs } = message.payload as { type: string; name: string; inputs: Props };
    try {
      if (!type.startsWith(DYNAMIC)) throw new Error(`unexpected resource type ${type}`);
      const kind = type.slice(DYNAMIC.length);
      providers[name] = String(inputs.__provider);
      const step = await engine.apply(kind, name, inputs);
      steps.push({ ...step, kind, name });
      before.delete(name);
      const state = engine.get(name);
      // A run stopped by its timeout has no one left to answer.
      if (child.connected) child.send({ seq: message.seq, result: { id: state.id, state: state.outputs } });
    } catch (err) {
      const reason = err instanceof CheckFailedError ? err.message : String((err as Error).message ?? err);
      if (child.connected) child.send({ seq: message.seq, error: reason });
    }
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let timer: NodeJS.Timeout | undefined;
  const stepsDone = () => steps.map((step) => `${step.kind}:${step.name}:${step.op}`).join(", ") || "none";
  const timedOut =
    options.timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`program did not finish within ${options.timeoutMs} ms (steps done: ${stepsDone()})`)),
            options.timeoutMs,
          );
        });
  try {
    await (timedOut ? Promise.race([finished, timedOut]) : finished);
  } finally {
    clearTimeout(timer);
    // Wait for the exit, so the child and its pipes never outlive the test that started it.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await exited;
    }
  }

  const deleted = [...before].reverse();
  for (const name of deleted) await engine.destroy(name);
  return { steps, deleted, providers, outputs };
}

/** `pulumi destroy`: every resource in state, newest first. */
export async function destroyAll(engine: Engine): Promise<string[]> {
  const names = [...engine.state.keys()].reverse();
  for (const name of names) await engine.destroy(name);
  return names;
}
