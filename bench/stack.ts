// Prints what one `up`, update and destroy of a 62-resource stack (a bucket, 10 credentials, a DNS
// zone, 50 records) cost through the real provider host, without a rate limit and under the
// emulator's rate limit of 10 requests/s with the default retry settings: API requests, 429s, and
// wall time. Not a test: numbers to compare across changes.
import { startLifecycle } from "../test/harness/lifecycle";
import { STACK_SIZE, destroyStack, inventory, stateIds, upStack } from "../test/harness/stack";

interface Row {
  setting: string;
  step: string;
  requests: number;
  throttled: number;
  seconds: number;
}

export async function benchStack(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const requestsPerSecond of [undefined, 10]) {
    const setting = requestsPerSecond ? `${requestsPerSecond} req/s limit` : "no limit";
    const { emu, engine, close } = await startLifecycle({ "mamutecloud:retryBaseDelay": "0.5", "mamutecloud:retryMaxDelay": "20" });
    try {
      if (requestsPerSecond) emu.setRateLimit({ requestsPerSecond, plane: "management" });
      const steps: Array<[string, () => Promise<void>]> = [
        ["up", () => upStack(engine, "bench", 0)],
        ["update", () => upStack(engine, "bench", 1)],
        ["destroy", () => destroyStack(engine)],
      ];
      for (const [step, run] of steps) {
        emu.resetRequests();
        const started = Date.now();
        await run();
        const seconds = (Date.now() - started) / 1000;
        const { total, throttled } = emu.requests();
        rows.push({ setting, step, requests: total, throttled, seconds });
        emu.clearRateLimit();
        const expected = step === "destroy" ? 0 : STACK_SIZE;
        if (engine.state.size !== expected || JSON.stringify(await inventory(emu)) !== JSON.stringify(stateIds(engine))) {
          throw new Error(`after ${step} under ${setting}, the emulator's objects differ from the state`);
        }
        if (requestsPerSecond) emu.setRateLimit({ requestsPerSecond, plane: "management" });
      }
    } finally {
      await close();
    }
  }
  return rows;
}

export function printStack(rows: Row[]): void {
  console.log(
    `\nA ${STACK_SIZE}-resource stack through the provider host (default retry settings; every step checked against the emulator)`,
  );
  const header = ["setting", "step", "requests", "429s", "seconds"];
  const cells = rows.map((r) => [r.setting, r.step, String(r.requests), String(r.throttled), r.seconds.toFixed(2)]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ");
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of cells) console.log(line(row));
}
