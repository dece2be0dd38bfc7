// Prints what a big object costs the emulator: wall time, throughput and the emulator's resident
// memory (before, and the peak while the transfer runs) for a single PutObject (aws-chunked with a
// CRC32 trailer, as the AWS SDK sends a stream), a lib-storage multipart upload, and a GetObject.
// The emulator runs as its own process (the built command), in memory mode and with a data dir.
//   npm run bench:memory            (BENCH_OBJECT_MIB=4096 for a bigger object)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MIB,
  getHashed,
  newTransferSite,
  putMultipart,
  putOnce,
  startEmulatorProcess,
  type PhaseFigures,
} from "../test/harness/big-transfer";

const SIZE = Number(process.env.BENCH_OBJECT_MIB ?? 1024) * MIB;
/** S3 refuses a single PUT over 5 GiB (EntityTooLarge): bigger objects are measured multipart only. */
const SINGLE_PUT = SIZE <= 5 * 1024 * MIB;

async function run(mode: string, args: string[]): Promise<(PhaseFigures & { mode: string })[]> {
  const emu = await startEmulatorProcess(args);
  const site = await newTransferSite(emu, "bench-memory");
  try {
    const rows: PhaseFigures[] = [];
    const roundTrip = async (key: string, put: () => Promise<PhaseFigures>) => {
      const sent = await put();
      const back = await getHashed(emu, site, key, SIZE);
      if (back.sha256 !== sent.sha256) throw new Error(`${key}: the bytes read back differ from the bytes sent`);
      rows.push(sent, back);
    };
    if (SINGLE_PUT) await roundTrip("single.bin", () => putOnce(emu, site, "single.bin", SIZE));
    await roundTrip("multi.bin", () => putMultipart(emu, site, "multi.bin", SIZE));
    return rows.map((figures) => ({ ...figures, mode }));
  } finally {
    site.s3.destroy();
    await emu.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "bench-memory-"));
  try {
    const rows = [...(await run("memory", [])), ...(await run("--data-dir", ["--data-dir", dataDir]))];
    const mib = (bytes: number) => (bytes / MIB).toFixed(0);
    console.log(`Object of ${mib(SIZE)} MiB; emulator resident memory in MiB`);
    console.log("| emulator | operation | seconds | MB/s | RSS before | RSS peak | growth |");
    console.log("|---|---|---:|---:|---:|---:|---:|");
    for (const row of rows) {
      const rate = (row.bytes / 1e6 / row.seconds).toFixed(0);
      console.log(
        `| ${row.mode} | ${row.phase} | ${row.seconds.toFixed(1)} | ${rate} | ${mib(row.rssBefore)} | ${mib(row.rssPeak)} | ${mib(row.rssPeak - row.rssBefore)} |`,
      );
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
