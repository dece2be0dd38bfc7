// A big object through the emulator, measured from outside: the emulator runs as its own process
// (the built command, as users run it) so its resident memory can be sampled while a generated
// body is uploaded and downloaded through the AWS SDK. Shared by the big-object test and
// bench/emulator-memory.ts.
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { newBucketAccess } from "./s3";

/** The built command, found from here whether this runs from test/ (jest) or compiled (bench). */
function builtCli(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, "dist", "emulator", "cli.js");
    if (existsSync(candidate) && existsSync(join(dir, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error("dist/emulator/cli.js not found: run npm run build first");
  }
}
export const MIB = 1024 * 1024;

export interface EmulatorProcess {
  pid: number;
  url: string;
  s3Url: string;
  apiKey: string;
  stop(): Promise<void>;
}

/** The built `mamutecloud-emulator` on free ports; resolves once it prints its banner. */
export async function startEmulatorProcess(extraArgs: string[] = []): Promise<EmulatorProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [builtCli(), "--port", "0", ...extraArgs]);
  const exited = once(child, "exit");
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!/^export .*\n/m.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the emulator did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const field = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(output)![1];
  return {
    pid: child.pid!,
    url: field("Management API"),
    s3Url: field("S3 endpoint"),
    apiKey: field("API key"),
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Resident memory of a process in bytes (Linux /proc, else ps). */
export function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    if (kib) return Number(kib[1]) * 1024;
  } catch {
    // not Linux: ask ps
  }
  return (
    Number(
      execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

/** Samples a process's resident memory until stopped; `peak` is the highest seen. */
export function sampleMemory(pid: number, everyMs = 100): { stop(): number } {
  let peak = residentBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, residentBytes(pid));
    },
  };
}

/** `size` bytes that differ from MiB to MiB (a counter over a random block), hashed as produced. */
export function generatedBody(size: number): { stream: Readable; sha256: () => string } {
  const block = Buffer.alloc(MIB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.imul(i, 2654435761) ^ 0x5bd1e995) >>> 0, i);
  const hash = createHash("sha256");
  let produced = 0;
  let digest: string | undefined;
  const stream = Readable.from(
    (function* () {
      for (let index = 0; produced < size; index++) {
        const piece = Buffer.from(block.subarray(0, Math.min(MIB, size - produced)));
        piece.writeUInt32LE(index, 0);
        produced += piece.length;
        hash.update(piece);
        yield piece;
      }
    })(),
    { objectMode: false },
  );
  return { stream, sha256: () => (digest ??= hash.digest("hex")) };
}

export interface TransferSite {
  bucket: string;
  s3: S3Client;
}

/** A bucket and a credential made through the management API, and an SDK client for it. */
export async function newTransferSite(emu: EmulatorProcess, name: string): Promise<TransferSite> {
  const { s3 } = await newBucketAccess(emu, name);
  return { bucket: name, s3 };
}

export interface PhaseFigures {
  phase: string;
  bytes: number;
  seconds: number;
  /** The emulator's resident memory before the phase and the highest seen during it. */
  rssBefore: number;
  rssPeak: number;
  sha256: string;
}

async function measured(emu: EmulatorProcess, phase: string, bytes: number, run: () => Promise<string>): Promise<PhaseFigures> {
  const rssBefore = residentBytes(emu.pid);
  const sampler = sampleMemory(emu.pid);
  const started = process.hrtime.bigint();
  let sha256: string;
  let rssPeak: number;
  try {
    sha256 = await run();
  } finally {
    rssPeak = sampler.stop();
  }
  return { phase, bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9, rssBefore, rssPeak, sha256 };
}

/** One PutObject of a stream (the SDK sends it aws-chunked with a CRC32 trailer). */
export function putOnce(emu: EmulatorProcess, site: TransferSite, key: string, size: number): Promise<PhaseFigures> {
  return measured(emu, "PutObject (aws-chunked, CRC32)", size, async () => {
    const body = generatedBody(size);
    await site.s3.send(new PutObjectCommand({ Bucket: site.bucket, Key: key, Body: body.stream, ContentLength: size }));
    return body.sha256();
  });
}

/** lib-storage's multipart upload, as SyncedFolder does for large files. */
export function putMultipart(
  emu: EmulatorProcess,
  site: TransferSite,
  key: string,
  size: number,
  partSize = 64 * MIB,
): Promise<PhaseFigures> {
  return measured(emu, `multipart (${partSize / MIB} MiB parts, 4 at once)`, size, async () => {
    const body = generatedBody(size);
    await new Upload({ client: site.s3, params: { Bucket: site.bucket, Key: key, Body: body.stream }, partSize, queueSize: 4 }).done();
    return body.sha256();
  });
}

/** GetObject, hashed as it arrives. */
export function getHashed(emu: EmulatorProcess, site: TransferSite, key: string, size: number): Promise<PhaseFigures> {
  return measured(emu, "GetObject", size, async () => {
    const answer = await site.s3.send(new GetObjectCommand({ Bucket: site.bucket, Key: key }));
    const hash = createHash("sha256");
    let received = 0;
    for await (const piece of answer.Body as Readable) {
      hash.update(piece as Buffer);
      received += (piece as Buffer).length;
    }
    if (received !== size) throw new Error(`GetObject ${key}: ${received} bytes, expected ${size}`);
    return hash.digest("hex");
  });
}
