// A static site on a custom domain (16-17 resources, 210 files, a certificate and DNS) brought up,
// changed (files, cache rules, a certificate rotation) and destroyed while the emulator injects
// about 20% faults of every kind on the management API and the S3 plane. After each step the
// emulator holds exactly the declared stack, every object's bytes match the folder, and the site
// is served at its custom domain over HTTPS; after destroy nothing is left. Every step must succeed
// the first time. Prints a table: faults by kind, requests beyond a fault-free run, duration, result.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FaultRule } from "../../emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import {
  CHANGED,
  FIRST,
  SITE_FILES,
  SITE_RESOURCES,
  bucketContents,
  destroySite,
  fetchFromEdge,
  siteFiles,
  upSite,
  writeSite,
  type SiteVersion,
} from "../harness/site";
import { apiObjectIds, fullInventory } from "../harness/stack";

const KINDS = ["status 503", "status 429", "drop", "lost_response", "delay"] as const;

/** About 20% of requests on both planes get a fault: 503, 429 with `Retry-After: 0`, dropped connection and lost response at 4-5% each, and 1% stalled 1 s. */
function faultRules(): FaultRule[] {
  return (["management", "s3"] as const).flatMap((plane): FaultRule[] => [
    { plane, fault: "status", status: 503, rate: 0.05 },
    { plane, fault: "status", status: 429, retryAfter: 0, rate: 0.05 },
    { plane, fault: "drop", rate: 0.04 },
    { plane, fault: "lost_response", rate: 0.05 },
    { plane, fault: "delay", delayMs: 1000, rate: 0.01 },
  ]);
}

interface Row {
  seed: number | string;
  step: string;
  faults: Record<string, number>;
  requests: number;
  seconds: number;
  result: string;
}

const rows: Row[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "site-faults-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  const header = ["seed", "step", ...KINDS, "requests", "beyond fault-free", "s", "result"];
  const baseline = new Map(rows.filter((row) => row.seed === "none").map((row) => [row.step, row.requests]));
  const lines = rows.map((row) =>
    [
      row.seed,
      row.step,
      ...KINDS.map((kind) => row.faults[kind] ?? 0),
      row.requests,
      row.seed === "none" ? "-" : row.requests - (baseline.get(row.step) ?? 0),
      row.seconds.toFixed(1),
      row.result,
    ].join(" | "),
  );
  console.log(["Site under faults", `| ${header.join(" | ")} |`, ...lines.map((line) => `| ${line} |`)].join("\n"));
});

async function scenario(seed: number | undefined): Promise<void> {
  const lifecycle: Lifecycle = await startLifecycle();
  const { emu, engine } = lifecycle;
  emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
  const prefix = `faults-${seed ?? "none"}`;
  const host = `www.${prefix}.example`;
  const siteDir = join(dir, prefix);
  try {
    const run = async (step: string, action: () => Promise<void>) => {
      emu.resetRequests();
      if (seed !== undefined) emu.setFaults({ seed: seed + rows.length, rules: faultRules() });
      const started = Date.now();
      let result = "ok";
      try {
        await action();
      } catch (err) {
        result = `failed: ${String((err as Error).message).slice(0, 200)}`;
      }
      const faults: Record<string, number> = {};
      for (const rule of emu.faults().rules) {
        const kind = rule.fault === "status" ? `status ${rule.status}` : rule.fault;
        faults[kind] = (faults[kind] ?? 0) + rule.injected;
      }
      emu.clearFaults();
      rows.push({ seed: seed ?? "none", step, faults, requests: emu.requests().total, seconds: (Date.now() - started) / 1000, result });
      expect(result).toBe("ok");
    };
    const expectSite = async (version: SiteVersion) => {
      expect(await fullInventory(emu)).toEqual(apiObjectIds(engine));
      expect(await bucketContents(emu, engine)).toEqual(siteFiles(version.files));
      expect(await fetchFromEdge(emu, host)).toEqual({ status: 200, body: siteFiles(version.files)["index.html"] });
    };

    writeSite(siteDir, siteFiles(0));
    await run("up", () => upSite(engine, prefix, siteDir, FIRST));
    expect(engine.state.size).toBeGreaterThanOrEqual(SITE_RESOURCES);
    expect(Object.keys(siteFiles(0)).length).toBeGreaterThanOrEqual(SITE_FILES);
    const firstCertificate = engine.get("certificate").id;
    await expectSite(FIRST);

    writeSite(siteDir, siteFiles(1));
    await run("change", () => upSite(engine, prefix, siteDir, CHANGED));
    expect(engine.get("certificate").id).not.toBe(firstCertificate);
    expect(engine.get("www").outputs.certificateId).toBe(engine.get("certificate").id);
    await expectSite(CHANGED);

    await run("destroy", () => destroySite(engine));
    expect(engine.state.size).toBe(0);
    expect(await fullInventory(emu)).toEqual([]);
  } finally {
    await lifecycle.close();
  }
}

test("without faults (the baseline for the request counts)", async () => {
  await scenario(undefined);
}, 120_000);

test.each([101, 202, 303])(
  "under ~20%% faults of every kind (seed %i): up, change, destroy; inventory, bytes and the site right after each",
  async (seed) => {
    await scenario(seed);
  },
  180_000,
);
