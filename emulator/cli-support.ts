// What the emulators' commands share: reading flags (`--flag value` or `--flag=value`), the checks
// of their values, and running until SIGINT/SIGTERM. Each command keeps its own flags and banner.
import { ControlConfigError } from "./control-config";
import { DataDirError } from "./data-dir";

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

/** What every emulator command reads. */
export interface CommonOptions {
  port: number;
  host: string;
  dataDir?: string;
  allowRemoteAdmin: boolean;
  help: boolean;
}

/** The flags every emulator command has (`-h`, `--help`, `--allow-remote-admin`, `--port`, `--host`, `--data-dir`), with `own` added. */
export function withCommonFlags(options: CommonOptions, own: FlagHandlers["values"]): FlagHandlers {
  return {
    switches: {
      "-h": () => (options.help = true),
      "--help": () => (options.help = true),
      "--allow-remote-admin": () => (options.allowRemoteAdmin = true),
    },
    values: {
      "--port": (value, flag) => (options.port = parsePort(flag, value)),
      "--host": (value, flag) => (options.host = nonEmpty(flag, value)),
      "--data-dir": (value, flag) => (options.dataDir = nonEmpty(flag, value)),
      ...own,
    },
  };
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
function untilSignal(command: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`${command}: ${signal}, shutting down\n`);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/** An emulator's command: how it reads its flags, starts, says where it listens and stops. */
export interface EmulatorCommand<Options extends CommonOptions, Running> {
  name: string;
  usage: string;
  parseArgs(argv: readonly string[]): Options;
  start(options: Options): Promise<Running>;
  banner(running: Running, options: Options): string;
  stop(running: Running): Promise<void>;
  /** The flags naming its ports, for the message when one is in use: `--port, --s3-port`. */
  portFlags: string;
}

/**
 * The command's life: usage errors exit 2 with the usage, `--help` prints it, a start that fails
 * (a port in use, a data dir in use) exits 1 saying why; otherwise the banner, then it runs until
 * SIGINT or SIGTERM and stops cleanly (exit 0).
 */
export async function runEmulatorCommand<Options extends CommonOptions, Running>(
  command: EmulatorCommand<Options, Running>,
  argv: readonly string[],
): Promise<number> {
  let options: Options;
  try {
    options = command.parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${command.name}: ${error.message}\n\n${command.usage}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(command.usage);
    return 0;
  }
  let running: Running;
  try {
    running = await command.start(options);
  } catch (error) {
    const { code, message, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
    const several = command.portFlags.includes(",");
    const reason =
      code === "EADDRINUSE"
        ? `port ${port} on ${address ?? options.host} is already in use (pick ${several ? "others" : "another"} with ${command.portFlags}, or --port 0 for ${several ? "free ones" : "a free one"})`
        : error instanceof DataDirError
          ? `--data-dir: ${message}`
          : message;
    process.stderr.write(`${command.name}: cannot start: ${reason}\n`);
    return 1;
  }
  process.stdout.write(command.banner(running, options));
  await untilSignal(command.name);
  await command.stop(running);
  return 0;
}

/** Runs the command with this process's arguments and sets the exit code; an unexpected failure is printed with its stack. */
export function runCommand<Options extends CommonOptions, Running>(command: EmulatorCommand<Options, Running>): void {
  const name = command.name;
  runEmulatorCommand(command, process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
