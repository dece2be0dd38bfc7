// Deploys one generated site (2,000 files of 1-16 KiB, 10 files of 8 MiB; 20,000 and 10 with
// BENCH_SITE=20k) to the emulator several ways, each into its own bucket, in one run: SyncedFolder
// through the dynamic provider host and through the native plugin (a new process per step, as
// each `pulumi up` starts one), `aws s3 sync`, `rclone sync` at its defaults and `rclone sync
// --checksum` (with --fast-list at 10,000 files and more); and SiteReleases (atomic mode: a new
// release folder per deploy, unchanged files copied server-side, then the CDN switched). Then each
// again after no change, after one changed file, and after a fresh checkout of the same commit
// (the site is a git work tree cloned anew: every inode, ctime and mtime new, as in CI). Prints one
// table, with each row's wall time as a ratio of the fastest peer's in the same step.
//   npm run bench:sync
//   BENCH_SITE=20k npm run bench:sync        20,010 files (BENCH_SMALL_FILES / BENCH_LARGE_FILES for others)
//   BENCH_SITE=both npm run bench:sync       2,010 and then 20,010 files, a table for each, in one run
//   BENCH_RUNS=5 npm run bench:sync          the whole run five times (a new emulator and site each
//                                             time); the table gives medians and each wall time's range
//   BENCH_TOOLS="SyncedFolder,rclone sync"   only these tools (names as in the table)
//   BENCH_CONCURRENCY=16                     SyncedFolder's and SiteReleases' concurrency (default theirs)
//   BENCH_HOST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"   node options of each provider host
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { startEmulator, type Emulator } from "../emulator";
import { Engine, serializedShim } from "../test/harness/engine";
import { ProviderHost, bareKeys, configurePlugin } from "../test/harness/providerHost";
import { api, cleanEnv, stackConfig } from "../test/harness/emulator";
import { awsCliEnv } from "../test/harness/awsCli";
import { newBucketAccess } from "../test/harness/s3";
import { manifestInputs } from "../provider/sync/manifest";

const run = promisify(execFile);
/** The sites' counts of small files: one site, or with BENCH_SITE=both the 2,010- and the 20,010-file sites. */
const SITES =
  process.env.BENCH_SITE === "both"
    ? [2000, 20000]
    : [Number(process.env.BENCH_SMALL_FILES ?? (process.env.BENCH_SITE === "20k" ? 20000 : 2000))];
const LARGE_FILES = Number(process.env.BENCH_LARGE_FILES ?? 10);
const AWS = process.env.BENCH_AWS ?? "/usr/bin/aws";
const RCLONE = process.env.BENCH_RCLONE ?? "/usr/bin/rclone";
/** The peers SyncedFolder is measured against: each step's ratio column divides by the fastest. */
const PEERS = ["aws s3 sync", "rclone sync", "rclone sync --checksum"];
const REPO = path.join(__dirname, "..", "..", "..");
const TIME = "/usr/bin/time";
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const HOST_NODE_ARGS = process.env.BENCH_HOST_NODE_ARGS?.split(" ").filter(Boolean);
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {};
const ONLY = process.env.BENCH_TOOLS?.split(",").map((name) => name.trim());
const wanted = (tool: string) => !ONLY || ONLY.includes(tool);

/** Deterministic sizes and bytes, so every run deploys the same site. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function generateSite(root: string, smallFiles: number): { files: number; bytes: number } {
  const random = prng(42);
  let bytes = 0;
  const write = (file: string, size: number) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4) body.writeUInt32LE((random() * 2 ** 32) >>> 0, Math.min(i, size - 4));
    fs.writeFileSync(path.join(root, file), body);
    bytes += size;
  };
  const kinds = ["html", "css", "js", "svg", "json"];
  for (let i = 0; i < smallFiles; i++) {
    const kind = kinds[i % kinds.length];
    const file =
      kind === "html"
        ? `docs/section-${i % 40}/page-${i}/index.html`
        : `assets/${kind}/item-${i}-${((i * 2654435761) >>> 0).toString(16)}.${kind}`;
    write(file, 1024 + Math.floor(random() * 15 * 1024));
  }
  for (let i = 0; i < LARGE_FILES; i++) write(`media/video-${i}.bin`, 8 * 1024 * 1024);
  return { files: smallFiles + LARGE_FILES, bytes };
}

interface Measure {
  tool: string;
  step: string;
  seconds: number;
  counts: Record<string, number>;
  stateBytes?: string;
  peakMiB?: number;
  /** CPU seconds (user + system) of the tool's process; for SyncedFolder, the provider host's plus the manifest's. */
  cpuSeconds?: number;
  /** Where SyncedFolder's time went: manifest, host start, provider (seconds). */
  split?: [number, number, number];
  /** CPU seconds of the benchmark's own process during the step, the manifest's left out: the emulator answering, and for SyncedFolder and SiteReleases the engine's side of the gRPC calls. */
  emulatorCpuSeconds?: number;
  /** The manifest's CPU seconds (in the program, here the benchmark's process). */
  manifestCpuSeconds?: number;
  /** SiteReleases: seconds from the release's last object written to the end of `up` (switch, deploy wait, purge, prune). */
  switchSeconds?: number;
}

function tally(emu: Emulator): Record<string, number> {
  const routes = emu.requests().routes;
  const sum = (...ops: string[]) => ops.reduce((total, op) => total + (routes[`S3 ${op}`] ?? 0), 0);
  const s3Total = Object.entries(routes)
    .filter(([route]) => route.startsWith("S3 "))
    .reduce((total, [, n]) => total + n, 0);
  const put = sum("PutObject", "UploadPart", "CopyObject", "UploadPartCopy");
  const head = sum("HeadObject");
  const list = sum("ListObjectsV2", "ListObjects");
  return { put, copied: sum("CopyObject", "UploadPartCopy"), head, list, other: s3Total - put - head - list, total: s3Total };
}

function peakKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
function cpuOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs a peer under /usr/bin/time for its peak memory; the emulator answers from this process, so never block. */
async function timedPeer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ seconds: number; peakMiB?: number; cpuSeconds?: number }> {
  const report = path.join(os.tmpdir(), `bench-time-${process.pid}`);
  const useTime = fs.existsSync(TIME);
  const started = process.hrtime.bigint();
  await run(useTime ? TIME : command, useTime ? ["-f", "%M %U %S", "-o", report, command, ...args] : args, {
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!useTime) return { seconds };
  const [peakKiB, user, system] = (fs.readFileSync(report, "utf8").trim().split("\n").pop() ?? "").split(" ").map(Number);
  return { seconds, peakMiB: peakKiB / 1024, cpuSeconds: user + system };
}

interface Run {
  measures: Measure[];
  tools: string[];
  files: number;
  bytes: number;
  load: [number, number];
}

async function oneRun(smallFiles: number): Promise<Run> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sync-"));
  // The site is a folder of a git work tree, as a CI job checks it out: the fresh-checkout step
  // clones it anew to the same path.
  const checkout = path.join(work, "checkout");
  const site = path.join(checkout, "site");
  const { files, bytes } = generateSite(site, smallFiles);
  await git(checkout, "init", "-q");
  await git(checkout, "add", "-A");
  await git(checkout, "commit", "-qm", "site");
  const loadBefore = os.loadavg()[0];
  // No simulated CDN deployment time: the switch row measures this package, not a chosen delay.
  const emu = await startEmulator({ port: 0, host: "127.0.0.1", cdnDeployDelayMs: 0 });
  const measures: Measure[] = [];
  const steps: Array<[string, () => void | Promise<void>]> = [
    ["first deploy", () => undefined],
    ["no change", () => undefined],
    ["one file changed", () => fs.appendFileSync(path.join(site, "docs/section-0/page-0/index.html"), "<!-- changed -->")],
    // A fresh CI checkout of what was just deployed: same bytes, every inode, ctime and mtime new.
    ["fresh checkout", () => freshCheckout(checkout)],
  ];

  const tools: Array<{ name: string; deploy: (step: string) => Promise<Omit<Measure, "tool" | "step" | "counts">> }> = [];

  // SyncedFolder and SiteReleases through the provider host, as `pulumi up` runs it: the program
  // computes the manifest, then a new host applies the diff.
  const providerTool = async (
    kind: "SyncedFolder" | "SiteReleases",
    bucketName: string,
    extra: Record<string, unknown> = {},
    native = false,
  ) => {
    const name = native ? `${kind} (native plugin)` : kind;
    if (!wanted(name)) return;
    const bucket = await newBucketAccess(emu, bucketName);
    let state: Engine["state"] | undefined;
    if (kind === "SiteReleases") {
      const cdn = await api(emu, "POST", "/cdn/resource", {
        name: bucketName,
        origin_group: { type: "storage", bucket_id: bucket.bucketId },
      });
      extra = { ...extra, cdnResourceId: cdn.body.id };
    }
    // Each tool is its own Pulumi project, with its own hash cache (node_modules/.cache of the
    // program's folder): none finds the hashes another one computed.
    const programDir = path.join(work, `program-${kind}${native ? "-native" : ""}`);
    fs.mkdirSync(path.join(programDir, "node_modules"), { recursive: true });
    tools.push({
      name,
      deploy: async () => {
        const started = process.hrtime.bigint();
        const since = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
        const manifestCpu = process.cpuUsage();
        const benchDir = process.cwd();
        process.chdir(programDir);
        let manifest;
        try {
          // As the SDK's classes pass it: the files in the inputs' one-string form.
          manifest = manifestInputs({ path: site });
        } finally {
          process.chdir(benchDir);
        }
        const manifestSeconds = since(started);
        const { user, system } = process.cpuUsage(manifestCpu);
        const hostStarted = process.hrtime.bigint();
        // The native plugin as the engine starts it (its executable, `exec node main.js`); its log
        // calls go to an engine address nobody answers, which it ignores.
        const host = native
          ? await ProviderHost.startPlugin({
              pluginDir: path.join(REPO, "plugin"),
              cwd: programDir,
              engineAddress: "127.0.0.1:1",
              env: cleanEnv(),
            })
          : await ProviderHost.start({ env: cleanEnv(), nodeArgs: HOST_NODE_ARGS });
        const hostSeconds = since(hostStarted);
        const writes = watchWrites(emu);
        try {
          if (native) await configurePlugin(host, bareKeys(stackConfig(emu)));
          else await host.configure(stackConfig(emu));
          const engine = await Engine.create(host);
          for (const [name, resource] of state ?? []) engine.state.set(name, resource);
          const step = await engine.up(kind, "site", {
            bucket: bucket.bucketId,
            accessKeyId: bucket.accessKeyId,
            secretAccessKey: bucket.secretAccessKey,
            path: site,
            ...CONCURRENCY,
            ...extra,
            ...manifest,
          });
          const seconds = since(started);
          const manifestCpuSeconds = (user + system) / 1e6;
          const cpuSeconds = (cpuOf(host.pid) ?? 0) + manifestCpuSeconds;
          const lastWrite = writes.stop();
          state = engine.state;
          const resource = engine.get("site");
          const full = JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs }).length;
          const outputs = JSON.stringify(resource.outputs).length;
          const perThousand = (n: number) => `${(((n / files) * 1000) / 1024).toFixed(0)}`;
          return {
            seconds,
            cpuSeconds,
            manifestCpuSeconds,
            peakMiB: (peakKiB(host.pid) ?? 0) / 1024,
            split: [manifestSeconds, hostSeconds, seconds - manifestSeconds - hostSeconds],
            stateBytes: `${(full / 1024).toFixed(0)} KiB (${perThousand(full)} KiB/1k files; outputs ${perThousand(outputs)})`,
            switchSeconds: kind === "SiteReleases" && step.op !== "same" && lastWrite !== undefined ? since(lastWrite) : undefined,
          };
        } finally {
          writes.stop();
          await host.close();
        }
      },
    });
  };
  await providerTool("SyncedFolder", "bench-synced-folder");
  await providerTool("SyncedFolder", "bench-synced-folder-native", {}, true);
  await providerTool("SiteReleases", "bench-site-releases");

  if (!wanted("aws s3 sync")) {
    // Left out on request.
  } else if (fs.existsSync(AWS)) {
    const bucket = await newBucketAccess(emu, "bench-aws-cli");
    const env = awsCliEnv(work, bucket.accessKeyId, bucket.secretAccessKey);
    tools.push({
      name: "aws s3 sync",
      deploy: () =>
        timedPeer(AWS, ["--endpoint-url", emu.s3Url, "s3", "sync", "--only-show-errors", site, `s3://${bucket.bucketId}/`], env),
    });
  } else {
    console.log(`(${AWS} not found: the aws CLI rows are left out; install Debian's awscli)`);
  }

  if (!wanted("rclone sync") && !wanted("rclone sync --checksum")) {
    // Left out on request.
  } else if (fs.existsSync(RCLONE)) {
    const bucket = await newBucketAccess(emu, "bench-rclone");
    // Only what rclone needs: no AWS_CA_BUNDLE (set on some machines), which rclone loads and then
    // fails on against the emulator's plain-http endpoint.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: work,
      RCLONE_CONFIG: "/dev/null",
      RCLONE_CONFIG_EMU_TYPE: "s3",
      RCLONE_CONFIG_EMU_PROVIDER: "Other",
      RCLONE_CONFIG_EMU_ACCESS_KEY_ID: bucket.accessKeyId,
      RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY: bucket.secretAccessKey,
      RCLONE_CONFIG_EMU_ENDPOINT: emu.s3Url,
      RCLONE_CONFIG_EMU_REGION: "us-east-1",
    };
    if (wanted("rclone sync"))
      tools.push({ name: "rclone sync", deploy: () => timedPeer(RCLONE, ["sync", site, `emu:${bucket.bucketId}`], env) });
    if (wanted("rclone sync --checksum")) {
      // Compares size and MD5 (the ETag) only: no modification times, so no metadata COPY after a
      // checkout; one recursive listing (--fast-list) instead of one per folder on large sites.
      const checksumBucket = await newBucketAccess(emu, "bench-rclone-checksum");
      const checksumEnv = {
        ...env,
        RCLONE_CONFIG_EMU_ACCESS_KEY_ID: checksumBucket.accessKeyId,
        RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY: checksumBucket.secretAccessKey,
      };
      const flags = ["--checksum", ...(files >= 10_000 ? ["--fast-list"] : [])];
      tools.push({
        name: "rclone sync --checksum",
        deploy: () => timedPeer(RCLONE, ["sync", ...flags, site, `emu:${checksumBucket.bucketId}`], checksumEnv),
      });
    }
  } else {
    console.log(`(${RCLONE} not found: the rclone rows are left out; install Debian's rclone)`);
  }

  await warmUp(emu);
  // The program's side of `pulumi up` (serializing the provider shim, about 0.15 s, once per run of
  // the program) is not timed, like the rest of the Pulumi program: done here before any step, it
  // no longer lands on whichever provider step comes first.
  await serializedShim();
  for (const [index, [step, prepare]] of steps.entries()) {
    await prepare();
    // Each step starts with another tool, so none always meets a colder or a busier emulator.
    for (const tool of [...tools.slice(index % tools.length), ...tools.slice(0, index % tools.length)]) {
      emu.resetRequests();
      const cpu = process.cpuUsage();
      const result = await tool.deploy(step);
      const { user, system } = process.cpuUsage(cpu);
      const emulatorCpuSeconds = (user + system) / 1e6 - (result.manifestCpuSeconds ?? 0);
      measures.push({ tool: tool.name, step, counts: tally(emu), emulatorCpuSeconds, ...result });
    }
  }
  await emu.close();
  fs.rmSync(work, { recursive: true, force: true });
  return { measures, tools: tools.map((tool) => tool.name), files, bytes, load: [loadBefore, os.loadavg()[0]] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<void> {
  // Each repeat deploys every site in turn, so that a change in the machine's load falls on all.
  const runs = new Map<number, Run[]>(SITES.map((smallFiles) => [smallFiles, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const smallFiles of SITES) runs.get(smallFiles)!.push(await oneRun(smallFiles));
    if (RUNS > 1) console.log(`run ${i + 1} of ${RUNS} done (load average ${os.loadavg()[0].toFixed(1)})`);
  }
  for (const [smallFiles, siteRuns] of runs) printTable(smallFiles, siteRuns);
}

function printTable(smallFiles: number, runs: Run[]): void {
  const { files, bytes, tools } = runs[0];
  const mb = bytes / 1e6;
  const loads = runs.flatMap((run) => run.load);
  const header = [
    "step",
    "tool",
    "wall s",
    "× fastest peer",
    "CPU s",
    "emulator CPU s",
    "files/s",
    "MB/s",
    "PUT",
    "of which copies",
    "HEAD",
    "LIST",
    "other S3",
    "switch s",
    "peak MiB",
    "state",
    "provider's wall s",
  ];
  const order = ["first deploy", "no change", "one file changed", "fresh checkout"];
  const cells = runs[0].measures.map((first) => {
    const same = runs.map((run) => run.measures.find((m) => m.tool === first.tool && m.step === first.step) as Measure);
    const mid = (pick: (m: Measure) => number | undefined) => {
      const values = same.map(pick).filter((value): value is number => value !== undefined);
      return values.length ? median(values) : undefined;
    };
    const fixed = (value: number | undefined, digits = 2) => (value === undefined ? "" : value.toFixed(digits));
    const seconds = mid((m) => m.seconds) as number;
    const walls = same.map((m) => m.seconds);
    const wall =
      RUNS > 1 ? `${seconds.toFixed(2)} (${Math.min(...walls).toFixed(2)}-${Math.max(...walls).toFixed(2)})` : seconds.toFixed(2);
    // Request counts are exact: a count that differs between runs shows each run's.
    const count = (key: string) => [...new Set(same.map((m) => m.counts[key]))].join("/");
    const split = first.split && [0, 1, 2].map((i) => mid((m) => m.split?.[i]) as number);
    // The step's fastest peer, by median wall time: the ratio the issue's targets are stated in.
    const peerWalls = PEERS.map((peer) =>
      median(runs.flatMap((run) => run.measures.filter((m) => m.tool === peer && m.step === first.step).map((m) => m.seconds))),
    ).filter((value) => !Number.isNaN(value));
    const ratio = peerWalls.length ? `${(seconds / Math.min(...peerWalls)).toFixed(2)}×` : "";
    return [
      first.step,
      first.tool,
      wall,
      ratio,
      fixed(mid((m) => m.cpuSeconds)),
      fixed(mid((m) => m.emulatorCpuSeconds)),
      first.step === "first deploy" ? (files / seconds).toFixed(0) : "",
      first.step === "first deploy" ? (mb / seconds).toFixed(1) : "",
      count("put"),
      count("copied"),
      count("head"),
      count("list"),
      count("other"),
      fixed(mid((m) => m.switchSeconds)),
      fixed(
        mid((m) => m.peakMiB),
        0,
      ),
      first.stateBytes ?? "",
      split ? `manifest ${split[0].toFixed(2)} + host start ${split[1].toFixed(2)} + provider ${split[2].toFixed(2)}` : "",
    ];
  });
  console.log(
    `\nSite: ${files} files, ${mb.toFixed(1)} MB (${smallFiles} of 1-16 KiB, ${LARGE_FILES} of 8 MiB); emulator on loopback; ` +
      `${os.cpus().length} CPUs, load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} at the runs' starts and ends; ` +
      `${RUNS > 1 ? `medians of ${RUNS} runs (wall s: median, then the range); ` : ""}files/s and MB/s over the ` +
      "whole site; × fastest peer: the row's wall time over the fastest of aws s3 sync, rclone sync and rclone sync --checksum in the same step; CPU s: user + system of the tool's process (SyncedFolder and SiteReleases: the provider host, and the manifest in the program); " +
      "emulator CPU s: the benchmark's process, where the emulator answers (for SyncedFolder and SiteReleases also the engine's side of the gRPC calls); " +
      "PUT counts PutObject, UploadPart and CopyObject (copies: server-side, no bytes sent); switch s: SiteReleases, from " +
      "the release's last object written to the end of `up` (origin switch, deploy wait with the emulator's delay at 0, purge, " +
      "prune); peak MiB: the provider host (SyncedFolder and SiteReleases, a new one per step, " +
      "as each `pulumi up` starts one) or the tool's process; state: the resource's inputs and outputs as the engine keeps them.",
  );
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  cells.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]) || tools.indexOf(a[1]) - tools.indexOf(b[1]));
  for (const row of cells) console.log(`| ${row.join(" | ")} |`);
}

/** Notes when S3 objects were last written (polling the emulator's counter), until stopped. */
function watchWrites(emu: Emulator): { stop(): bigint | undefined } {
  const writes = () =>
    ["PutObject", "CopyObject", "CompleteMultipartUpload"].reduce((n, op) => n + (emu.requests().routes[`S3 ${op}`] ?? 0), 0);
  let seen = writes();
  let last: bigint | undefined;
  const timer = setInterval(() => {
    const now = writes();
    if (now !== seen) last = process.hrtime.bigint();
    seen = now;
  }, 2);
  return {
    stop: () => {
      clearInterval(timer);
      return last;
    },
  };
}

/** Runs the emulator's S3 paths (signatures, PUT, HEAD, LIST) before anything is measured. */
async function warmUp(emu: Emulator): Promise<void> {
  const { bucketId, s3 } = await newBucketAccess(emu, "bench-warm-up");
  try {
    for (let i = 0; i < 300; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, j) => {
          const Key = `warm/${i + j}.txt`;
          await s3.send(new PutObjectCommand({ Bucket: bucketId, Key, Body: Buffer.alloc(4096, j) }));
          await s3.send(new HeadObjectCommand({ Bucket: bucketId, Key }));
        }),
      );
    }
    await s3.send(new ListObjectsV2Command({ Bucket: bucketId }));
  } finally {
    s3.destroy();
  }
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/**
 * What a CI job sees: the commit just deployed, cloned anew where the old checkout was (every
 * file new on disk, same bytes). The step before changed a file: committed first, untimed.
 */
async function freshCheckout(checkout: string): Promise<void> {
  await git(checkout, "commit", "-qam", "changed");
  const next = `${checkout}.next`;
  await git(path.dirname(checkout), "clone", "-q", checkout, next);
  fs.rmSync(checkout, { recursive: true, force: true });
  fs.renameSync(next, checkout);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
