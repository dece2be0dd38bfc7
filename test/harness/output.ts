// A command a test starts and reads as a user watches it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

/** The command's output up to the first match of `pattern` (the test's timeout bounds the wait). */
export async function outputUntil(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  let output = "";
  for await (const chunk of child.stdout) {
    output += String(chunk);
    if (pattern.test(output)) return output;
  }
  throw new Error(`the command ended before printing ${pattern}:\n${output}`);
}

/** An emulator command (`cli`, run by node) started on a loopback port another server holds: its exit code and its stderr. */
export async function startedOnBusyPort(cli: string): Promise<{ port: number; code: number | null; stderr: string }> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  try {
    const port = (blocker.address() as { port: number }).port;
    const busy = spawn(process.execPath, [cli, "--port", String(port)]);
    let stderr = "";
    busy.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(busy, "exit")) as [number | null];
    return { port, code, stderr };
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
}
