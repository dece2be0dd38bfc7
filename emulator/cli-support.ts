// What the emulators' commands share: reading flags (`--flag value` or `--flag=value`), the checks
// of their values, and running until SIGINT/SIGTERM. Each command keeps its own flags and banner.
import { ControlConfigError } from "./control-config";

export class UsageError extends Error {}

export function parsePort(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageError(`${flag} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return Number(value);
}

export function nonEmpty(flag: string, value: string): string {
  if (value.trim() === "") throw new UsageError(`${flag} must not be empty`);
  return value;
}

/** A whole number from `min` to `max`: `--cdn-deploy-delay-ms must be a whole number of milliseconds from 0 to 600000`. */
export function wholeNumber(flag: string, value: string, { min = 0, max, unit }: { min?: number; max: number; unit?: string }): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${flag} must be a whole number${unit ? ` of ${unit}` : ""} from ${min} to ${max}`);
  return Number(value);
}

/** A setting read by a `ControlConfigError`-throwing reader (dialect names), as a usage error. */
export function usageOf<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ControlConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export interface FlagHandlers {
  /** Flags without a value (`--allow-remote-admin`). */
  switches: Record<string, () => void>;
  /** Flags with a value, given as `--flag value` or `--flag=value`. */
  values: Record<string, (value: string, flag: string) => void>;
}

/** Reads `argv` in order; an unknown argument or a flag missing its value is a `UsageError`. */
export function readFlags(argv: readonly string[], handlers: FlagHandlers): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const onSwitch = Object.hasOwn(handlers.switches, arg) ? handlers.switches[arg] : undefined;
    if (onSwitch) {
      onSwitch();
      continue;
    }
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const onValue = Object.hasOwn(handlers.values, flag) ? handlers.values[flag] : undefined;
    if (!onValue) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
    onValue(value, flag);
  }
}

/** Resolves on the first SIGINT or SIGTERM, saying so on stderr as `<command>: SIGTERM, shutting down`. */
export function untilSignal(command: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`${command}: ${signal}, shutting down\n`);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** Runs a command's `main` (its exit code), printing an unexpected failure with its stack. */
export function runCommand(command: string, main: (argv: readonly string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${command}: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
