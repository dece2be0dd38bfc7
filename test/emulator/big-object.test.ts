// A 1 GiB object through the emulator run as a user runs it (its own process): the bytes come back
// exactly (compared by SHA-256 of the generated stream), and the emulator's memory stays flat while
// it receives and serves them (objects stream to and from disk). bench/emulator-memory.ts prints
// the same figures for more ways of uploading.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  MIB,
  getHashed,
  newTransferSite,
  putOnce,
  startEmulatorProcess,
  type EmulatorProcess,
  type TransferSite,
} from "../harness/big-transfer";

const GIB = 1024 * MIB;
/** Far under the 1 GiB moved: an emulator holding the body in memory grows by more than the body. */
const MEMORY_BUDGET = 192 * MIB;

let emu: EmulatorProcess;
let site: TransferSite;

beforeAll(async () => {
  if (!existsSync(join(__dirname, "..", "..", "dist", "emulator", "cli.js")))
    throw new Error("dist/ is missing: run npm run build first (npm test does)");
  emu = await startEmulatorProcess();
  site = await newTransferSite(emu, "big-objects");
});

afterAll(async () => {
  site?.s3.destroy();
  await emu?.stop();
});

it("round-trips a 1 GiB object with the right bytes, the emulator's memory flat on the way in and out", async () => {
  const put = await putOnce(emu, site, "one.gib", GIB);
  const get = await getHashed(emu, site, "one.gib", GIB);
  const mib = (bytes: number) => Math.round(bytes / MIB);
  process.stdout.write(
    `1 GiB: PUT ${put.seconds.toFixed(1)} s, emulator RSS ${mib(put.rssBefore)} → peak ${mib(put.rssPeak)} MiB; ` +
      `GET ${get.seconds.toFixed(1)} s, RSS ${mib(get.rssBefore)} → peak ${mib(get.rssPeak)} MiB\n`,
  );
  expect(get.sha256).toBe(put.sha256);
  expect(put.rssPeak - put.rssBefore).toBeLessThan(MEMORY_BUDGET);
  expect(get.rssPeak - get.rssBefore).toBeLessThan(MEMORY_BUDGET);
}, 240_000);
