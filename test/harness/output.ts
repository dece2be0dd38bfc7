// A command a test starts and reads as a user watches it.
import type { ChildProcessWithoutNullStreams } from "node:child_process";

/** The command's output up to the first match of `pattern` (the test's timeout bounds the wait). */
export async function outputUntil(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  let output = "";
  for await (const chunk of child.stdout) {
    output += String(chunk);
    if (pattern.test(output)) return output;
  }
  throw new Error(`the command ended before printing ${pattern}:\n${output}`);
}
