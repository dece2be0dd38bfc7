// Interrupted runs: the provider host is SIGKILLed at a random point of an `up` of the static site
// (between a create and its wait, in the middle of a sync, during a certificate rotation), then
// `up` runs again with a new host from the checkpoint as it was. It must complete with the emulator
// holding exactly the declared stack (nothing duplicated, nothing left behind), every object's bytes
// right, and the site must answer over HTTPS throughout wherever it answered before the kill.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Engine } from "../harness/engine";
import { killedRun } from "../harness/kill";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { ProviderHost } from "../harness/providerHost";
import { CHANGED, FIRST, bucketContents, fetchFromEdge, siteFiles, upSite, writeSite, type SiteVersion } from "../harness/site";
import { apiObjectIds, fullInventory } from "../harness/stack";

const PREFIX = "interrupted";
const HOST = `www.${PREFIX}.example`;

let lifecycle: Lifecycle;
let engine: Engine;
let dir: string;
const hosts: ProviderHost[] = [];
// A seeded generator, so a failure can be replayed: where after the trigger each kill lands.
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  engine = lifecycle.engine;
  dir = mkdtempSync(join(tmpdir(), "interrupted-"));
});

afterAll(async () => {
  for (const host of hosts) await host.close();
  await lifecycle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs an `up` of `version` and SIGKILLs its host once `route` has been requested `count` times,
 * plus `minMs` to `maxMs` (seeded).
 */
async function killedUp(version: SiteVersion, route: string, count: number, minMs: number, maxMs: number): Promise<void> {
  const delayMs = minMs + Math.floor(random() * (maxMs - minMs));
  engine = await killedRun(lifecycle.emu, engine, (current) => upSite(current, PREFIX, dir, version), { route, count, delayMs }, hosts);
}

function stallCertificateReads(): void {
  lifecycle.emu.setFaults({ seed: 1, rules: [{ route: "GET /cdn/ssl-certificate/{id}", fault: "delay", delayMs: 2000 }] });
}

async function expectSite(version: SiteVersion): Promise<void> {
  const { emu } = lifecycle;
  expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
  expect(engine.pendingDeletes).toEqual([]);
  expect(await bucketContents(emu, engine)).toEqual(siteFiles(version.files));
  expect(await fetchFromEdge(emu, HOST)).toEqual({ status: 200, body: siteFiles(version.files)["index.html"] });
}

/** Fetches the site until stopped; anything but one of the given pages is a failure. */
function keepFetching(pages: string[]) {
  const failures: string[] = [];
  let answers = 0;
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      try {
        const answer = await fetchFromEdge(lifecycle.emu, HOST);
        if (answer.status === 200 && pages.includes(answer.body)) answers++;
        else failures.push(`HTTP ${answer.status}: ${answer.body.slice(0, 100)}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await running;
      return { failures, answers };
    },
  };
}

test("killed between the certificate's create and the wait for its issue, the next up completes the site", async () => {
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
  writeSite(dir, siteFiles(0));
  // The validation's polls stall, as against a slow API: killed while it waits (and the sync runs).
  stallCertificateReads();
  await killedUp(FIRST, "GET /cdn/ssl-certificate/{id}", 1, 100, 1500);
  lifecycle.emu.clearFaults();
  expect(engine.state.has("certificate")).toBe(true);
  expect(engine.state.has("cdn")).toBe(true);
  expect(engine.state.has("validation")).toBe(false);
  lifecycle.emu.setSettings({ sslValidationDelayMs: 0 });
  await upSite(engine, PREFIX, dir, FIRST);
  await expectSite(FIRST);
}, 60_000);

test("killed in the middle of a sync, the next up finishes it and the site serves throughout", async () => {
  const version: SiteVersion = { ...FIRST, files: 1 };
  writeSite(dir, siteFiles(1));
  const fetching = keepFetching([siteFiles(0)["index.html"], siteFiles(1)["index.html"]]);
  await killedUp(version, "S3 PutObject", 20, 0, 50);
  await upSite(engine, PREFIX, dir, version);
  const { failures, answers } = await fetching.stop();
  expect(failures).toEqual([]);
  expect(answers).toBeGreaterThan(0);
  await expectSite(version);
}, 60_000);

test("killed during a certificate rotation, the next up completes it and the site serves HTTPS throughout", async () => {
  lifecycle.emu.setSettings({ cdnDeployDelayMs: 300 });
  const fetching = keepFetching([siteFiles(1)["index.html"]]);
  const before = engine.get("certificate").id;
  // The new certificate made and its validation record written: killed while it waits to be issued.
  stallCertificateReads();
  await killedUp(CHANGED, "GET /cdn/ssl-certificate/{id}", 1, 100, 1500);
  lifecycle.emu.clearFaults();
  expect(engine.get("certificate").id).not.toBe(before);
  expect(engine.pendingDeletes.map((old) => old.id)).toContain(before);
  await upSite(engine, PREFIX, dir, CHANGED);
  const { failures, answers } = await fetching.stop();
  expect(failures).toEqual([]);
  expect(answers).toBeGreaterThan(0);
  expect(engine.get("certificate").id).not.toBe(before);
  expect(engine.get("www").outputs.certificateId).toBe(engine.get("certificate").id);
  await expectSite(CHANGED);
}, 60_000);
