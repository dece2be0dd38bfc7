// The promise "no duplicates, no orphans" for a whole stack: 62 resources go up, are updated and
// are destroyed through the real provider host while the emulator injects every kind of fault
// (lost responses, dropped connections, 5xx, 429, delays), with several seeds, and once more under
// an API rate limit of 10 requests/s. After each step the emulator holds exactly what the state
// says. Every step must succeed the first time: no second run to paper over a failure.
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { STACK_SIZE, destroyStack, inventory, stateIds, upStack } from "../harness/stack";
import type { FaultRule, RateLimitConfig } from "../../emulator";

const faults: FaultRule[] = [
  { plane: "management", fault: "delay", delayMs: 15, rate: 0.1 },
  { plane: "management", fault: "lost_response", rate: 0.08 },
  { plane: "management", fault: "drop", rate: 0.03 },
  { plane: "management", fault: "status", status: 503, rate: 0.04 },
  { plane: "management", fault: "status", status: 500, rate: 0.03 },
  // Few: a 429 halves the stack's request rate, and the real ones come from a rate limit (below).
  { plane: "management", fault: "status", status: 429, rate: 0.05, times: 1 },
];

async function scenario(lifecycle: Lifecycle, seed: number, prefix: string, rateLimit?: RateLimitConfig): Promise<void> {
  const { emu, engine } = lifecycle;
  const injected = faults.map(() => 0);
  /** The emulator's objects, read with faults and the rate limit off (the test's own reads must not fail). */
  const unfaultedInventory = async (step: number) => {
    emu.faults().rules.forEach((rule, i) => (injected[i] += rule.injected));
    emu.clearFaults();
    emu.clearRateLimit();
    const objects = await inventory(emu);
    emu.setFaults({ seed: seed + step, rules: faults });
    if (rateLimit) emu.setRateLimit(rateLimit);
    return objects;
  };
  if (rateLimit) emu.setRateLimit(rateLimit);
  emu.setFaults({ seed, rules: faults });
  await upStack(engine, prefix, 0);
  expect(engine.state.size).toBe(STACK_SIZE);
  expect(await unfaultedInventory(1)).toEqual(stateIds(engine));

  await upStack(engine, prefix, 1);
  expect(engine.get("bucket").outputs.name).toBe(`${prefix}-bucket-renamed`);
  expect(engine.get("credential-0").outputs.rotation).toBe("r1");
  expect(await unfaultedInventory(2)).toEqual(stateIds(engine));

  await destroyStack(engine);
  expect(engine.state.size).toBe(0);
  expect(await unfaultedInventory(3)).toEqual([]);
  emu.clearFaults();
  // Every fault kind was met.
  expect(Object.fromEntries(faults.map((rule, i) => [`${rule.fault} ${rule.status ?? ""}`, injected[i] > 0]))).toEqual(
    Object.fromEntries(faults.map((rule) => [`${rule.fault} ${rule.status ?? ""}`, true])),
  );
}

let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle();
});

afterAll(() => lifecycle?.close());

test.each([11, 22])("under faults (seed %i) the stack goes up, is updated and destroyed with nothing extra or missing", async (seed) => {
  await scenario(lifecycle, seed, `faults-${seed}`);
});

test("under faults and a rate limit of 10 requests/s, with the default retry settings, the same holds", async () => {
  const limited = await startLifecycle({ "mamutecloud:retryBaseDelay": "0.5", "mamutecloud:retryMaxDelay": "20" });
  try {
    limited.emu.resetRequests();
    await scenario(limited, 33, "limited", { requestsPerSecond: 10, plane: "management" });
    expect(limited.emu.requests().throttled).toBeGreaterThan(0);
  } finally {
    await limited.close();
  }
}, 120_000);
