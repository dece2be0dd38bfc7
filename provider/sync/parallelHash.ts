// Hashing many files on every core, synchronously, in the hash kind of the store they go to
// (hashKinds.ts: an S3 ETag, a SHA-256). The manifest is built synchronously (the SDK
// calls it while the program runs), so the calling thread hands batches to worker threads and
// blocks on a shared counter (Atomics.wait) until they are done, hashing batches itself meanwhile;
// results come back through receiveMessageOnPort, which needs no event loop.
//
// Why batches: a site is mostly files of a few KiB, each hashed in ~30 µs, while a message between
// threads costs about as much; batches of ~1 MiB or 256 files keep the traffic to a few hundred
// messages at 20,000 files. A file larger than that is a batch of its own. Threads take the next
// batch from a shared index, so one thread on a large file does not hold the others up.
//
// Why a threshold: a worker costs ~30-50 ms of CPU to start (a new V8 isolate), about what 2,000
// small files or 16 MiB cost to hash (~33 µs per site file here); below both, the calling thread
// alone is faster. Measured on the 2-core benchmark machine shared with other jobs (load 10-20, so
// there was hardly a free core to win): 20,010 files, 258 MB, one thread 1.43-1.49 s wall and
// 0.74-0.92 CPU s, the calling thread and one worker 1.20-1.31 s wall and 0.81-0.87 CPU s (the
// same work, the worker's start added); of the one-thread time, MD5 is about two thirds and
// reading the files one third. On a machine with idle cores the wall time divides by the cores.
import * as os from "node:os";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { S3_ETAG, type HashKind } from "./hashKinds";

export interface HashJob {
  absolute: string;
  size: number;
}

const BATCH_BYTES = 1024 * 1024;
const BATCH_FILES = 256;
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;
const PARALLEL_MIN_FILES = 2000;
/** Beyond a few threads the disk (or page cache) is the limit, not MD5. */
const MAX_WORKERS = 7;

/** Consecutive runs of jobs of about BATCH_BYTES (or BATCH_FILES), as [start, end) indices. */
export function batches(jobs: readonly HashJob[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < jobs.length; i++) {
    bytes += jobs[i].size;
    if (bytes >= BATCH_BYTES || i + 1 - start >= BATCH_FILES) {
      out.push([start, i + 1]);
      start = i + 1;
      bytes = 0;
    }
  }
  if (start < jobs.length) out.push([start, jobs.length]);
  return out;
}

/** How many worker threads for this much work: none when the calling thread alone is faster. */
export function workersFor(jobs: readonly HashJob[], cores = os.availableParallelism()): number {
  const bytes = jobs.reduce((sum, job) => sum + job.size, 0);
  if (cores < 2 || (bytes < PARALLEL_MIN_BYTES && jobs.length < PARALLEL_MIN_FILES)) return 0;
  return Math.min(cores - 1, MAX_WORKERS, batches(jobs).length - 1);
}

// Control words in shared memory: [0] the next batch to take, [1] threads finished.
const NEXT = 0;
const DONE = 1;

/** The worker's program: take batches until none are left, post each batch's hashes, count itself done. */
function workerSource(kind: HashKind): string {
  return `
    const { workerData } = require("node:worker_threads");
    const hashOfFile = ${kind.ofFile.toString()};
    const { jobs, ranges, partSize, control, port } = workerData;
    const words = new Int32Array(control);
    try {
      for (let b; (b = Atomics.add(words, ${NEXT}, 1)) < ranges.length; ) {
        const [start, end] = ranges[b];
        const hashes = [];
        for (let i = start; i < end; i++) {
          try { hashes.push(hashOfFile(jobs[i].absolute, jobs[i].size, partSize)); } catch { hashes.push(null); }
        }
        port.postMessage({ start, hashes });
      }
    } finally {
      port.close();
      Atomics.add(words, ${DONE}, 1);
      Atomics.notify(words, ${DONE});
    }
  `;
}

/**
 * The hash of each job, in order, of `kind` (default the S3 ETag) at `partSize`. A file the
 * workers could not read is hashed again here, so its error (gone, unreadable) is thrown as the
 * one-thread hashing would throw it.
 */
export function hashFiles(jobs: readonly HashJob[], partSize: number, workers = workersFor(jobs), kind: HashKind = S3_ETAG): string[] {
  const hashes: Array<string | null> = new Array(jobs.length).fill(null);
  const ranges = batches(jobs);
  const words = new Int32Array(new SharedArrayBuffer(8));
  const started: Array<{ worker: Worker; port: MessagePort }> = [];
  try {
    for (let i = 0; i < workers; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerSource(kind), {
        eval: true,
        workerData: { jobs, ranges, partSize, control: words.buffer, port: port2 },
        transferList: [port2],
        // The worker needs no stdio of its own; its errors surface as unhashed files.
        stdout: true,
        stderr: true,
      });
      started.push({ worker, port: port1 });
    }
  } catch {
    // No threads to be had (a locked-down runtime): the calling thread does it all.
  }
  for (let b; (b = Atomics.add(words, NEXT, 1)) < ranges.length;) {
    const [start, end] = ranges[b];
    for (let i = start; i < end; i++) hashes[i] = kind.ofFile(jobs[i].absolute, jobs[i].size, partSize);
  }
  // Every batch is taken; wait for the workers still hashing theirs.
  for (let done; (done = Atomics.load(words, DONE)) < started.length;) {
    // A worker that died before counting itself (out of memory) must not hang the run.
    if (Atomics.wait(words, DONE, done, 1000) === "timed-out" && started.every(({ worker }) => worker.threadId === -1)) break;
  }
  for (const { worker, port } of started) {
    for (let message; (message = receiveMessageOnPort(port));) {
      const { start, hashes: batch } = message.message as { start: number; hashes: Array<string | null> };
      batch.forEach((hash, offset) => (hashes[start + offset] = hash));
    }
    port.close();
    worker.unref();
    void worker.terminate();
  }
  return hashes.map((hash, i) => hash ?? kind.ofFile(jobs[i].absolute, jobs[i].size, partSize));
}
