import { durationSchema, formatDuration, parseDuration, waitUntil, WaitFailedError, WaitTimeoutError } from "../../provider/wait";

test("durations: hours, minutes and seconds in any combination; anything else refused", () => {
  expect(parseDuration("20m")).toBe(1_200_000);
  expect(parseDuration("1h30m")).toBe(5_400_000);
  expect(parseDuration(" 90S ")).toBe(90_000);
  expect(parseDuration("1h2m3s")).toBe(3_723_000);
  for (const bad of ["", "20", "m", "1.5m", "-1m", "20 minutes", "1d"]) expect(parseDuration(bad)).toBeUndefined();
  expect(formatDuration(3_723_400)).toBe("1h2m3s");
  expect(formatDuration(60_000)).toBe("1m");
  expect(formatDuration(0)).toBe("0s");

  expect(durationSchema.parse(" 20M ")).toBe("20m");
  const refused = durationSchema.safeParse("0s");
  expect(refused.success).toBe(false);
  expect(refused.error?.issues[0].message).toMatch(/positive duration.*"20m"/);
});

test("returns the first observation that is done, logging the start and the finish", async () => {
  const statuses = ["in_progress", "in_progress", "deployed"];
  const lines: string[] = [];
  const result = await waitUntil({
    what: "CDN resource cdn_1 to be deployed",
    poll: async () => statuses.shift() ?? "deployed",
    status: (s) => s,
    done: (s) => s === "deployed",
    timeoutMs: 5000,
    intervalMs: 10,
    log: (line) => lines.push(line),
  });
  expect(result).toBe("deployed");
  expect(lines[0]).toBe("waiting for CDN resource cdn_1 to be deployed (status in_progress, timeout 5s)");
  expect(lines.at(-1)).toMatch(/^CDN resource cdn_1 to be deployed: deployed after \ds$/);
});

test("already done: one poll, nothing logged", async () => {
  const lines: string[] = [];
  let polls = 0;
  await waitUntil({ what: "x", poll: async () => ++polls, status: String, done: () => true, timeoutMs: 1000, log: (l) => lines.push(l) });
  expect(polls).toBe(1);
  expect(lines).toEqual([]);
});

test("a timeout names what was awaited, for how long, the last status and the detail; a status change is logged", async () => {
  let polls = 0;
  const lines: string[] = [];
  const started = Date.now();
  const err = await waitUntil({
    what: "certificate cert_9 to be issued",
    poll: async () => (++polls < 3 ? "pending" : "pending_validation"),
    status: (s) => s,
    done: () => false,
    detail: () => "records still missing: _acme.example.com",
    timeoutMs: 600,
    intervalMs: 20,
    log: (line) => lines.push(line),
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WaitTimeoutError);
  const timeout = err as WaitTimeoutError;
  expect(timeout.message).toMatch(
    /^timed out after \ds waiting for certificate cert_9 to be issued; last status: pending_validation; records still missing: _acme.example.com$/,
  );
  expect(timeout.lastStatus).toBe("pending_validation");
  expect(timeout.elapsedMs).toBeGreaterThanOrEqual(600);
  // It stops at the deadline (give or take one poll), not long after.
  expect(Date.now() - started).toBeLessThan(1500);
  expect(lines).toContainEqual(
    expect.stringMatching(/^still waiting for certificate cert_9 to be issued: status pending_validation, \ds elapsed of 1s$/),
  );
});

test("a state that can never be reached stops the wait at once", async () => {
  let polls = 0;
  const err = await waitUntil({
    what: "certificate cert_9 to be issued",
    poll: async () => (++polls, "failed"),
    status: (s) => s,
    done: () => false,
    failed: (s) => (s === "failed" ? "the certificate's validation failed" : undefined),
    timeoutMs: 10_000,
    log: () => undefined,
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WaitFailedError);
  expect((err as Error).message).toMatch(
    /gave up waiting for certificate cert_9 to be issued after 0s: the certificate's validation failed \(status failed\)/,
  );
  expect(polls).toBe(1);
});
