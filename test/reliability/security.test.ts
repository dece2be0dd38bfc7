// Security defaults: plain http off loopback refused unless opted in, TLS verified by default, and
// SigV4 requests with a stale date or an altered signed body rejected. (The emulator's control
// routes closed beyond loopback are tested in test/emulator/audit.test.ts.)
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
import { startEmulator, type Emulator } from "../../emulator";
import { Engine } from "../harness/engine";
import { cleanEnv, stackConfig } from "../harness/emulator";
import { failing } from "../harness/steps";
import { ProviderHost } from "../harness/providerHost";
import { s3ClientFor } from "../harness/s3";
import { TestCa } from "../harness/testCertificates";

const opened: Array<{ close(): Promise<void> }> = [];

afterAll(async () => {
  for (const thing of opened.reverse()) await thing.close();
});

async function engineFor(config: Record<string, string>): Promise<{ engine: Engine; host: ProviderHost }> {
  const host = await ProviderHost.start({ env: cleanEnv() });
  opened.push(host);
  await host.configure(config);
  return { engine: await Engine.create(host), host };
}

test("plain http to a host off loopback is refused unless mamutecloud:insecure is set", async () => {
  const config = {
    "mamutecloud:apiKey": "mamute-x",
    "mamutecloud:endpoint": "http://api.example.com",
    "mamutecloud:s3Endpoint": "https://s3.example.com",
  };
  const refused = await failing(engineFor(config).then(({ engine }) => engine.up("Bucket", "b", { name: "plain-http" })));
  expect(refused.message).toMatch(/Use https, or set .*insecure.* to true/);
  // Opted in, the provider goes on to the network (example.com is not reachable from here).
  const optedIn = await failing(
    engineFor({ ...config, "mamutecloud:insecure": "true", "mamutecloud:retryMaxDelay": "0.1" }).then(({ engine }) =>
      engine.up("Bucket", "b", { name: "plain-http" }),
    ),
  );
  expect(optedIn.message).not.toMatch(/Use https/);
});

test("TLS is verified by default: a server whose certificate no trusted CA signed is refused", async () => {
  const ca = await TestCa.root("Untrusted CA");
  const cert = await ca.server(["localhost"]);
  let reached = 0;
  const server = createServer({ cert: cert.certificatePem, key: cert.privateKeyPem }, (_req, res) => {
    reached++;
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  opened.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  const { engine } = await engineFor({
    "mamutecloud:apiKey": "mamute-x",
    "mamutecloud:endpoint": url,
    "mamutecloud:s3Endpoint": url,
    "mamutecloud:retryMaxDelay": "0.1",
  });
  const err = await failing(engine.up("Bucket", "b", { name: "tls-check" }));
  expect(err.message).toMatch(/certificate/i);
  expect(reached).toBe(0);
});

describe("SigV4 on the S3 plane", () => {
  let emu: Emulator;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, host: "127.0.0.1" });
    opened.push(emu);
    const { engine } = await engineFor(stackConfig(emu));
    await engine.up("Bucket", "b", { name: "sigv4-check" });
    bucket = engine.get("b").id;
    s3 = await s3ClientFor(emu, bucket);
  });

  afterAll(() => s3?.destroy());

  test("a request signed 20 minutes off the emulator's clock is refused", async () => {
    const skewed = new S3Client({
      endpoint: emu.s3Url,
      region: "us-east-1",
      forcePathStyle: true,
      systemClockOffset: 20 * 60_000,
      maxAttempts: 1,
      credentials: await s3.config.credentials(),
    });
    await expect(skewed.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "x" }))).rejects.toMatchObject({
      name: "RequestTimeTooSkewed",
    });
    skewed.destroy();
  });

  test("a body altered after signing is refused, and nothing is stored", async () => {
    s3.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        request.body = "altered!"; // as long as "original": only the bytes differ
        return next(args);
      },
      { step: "finalizeRequest", name: "alterBody", priority: "low" },
    );
    await expect(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "b.txt", Body: "original" }))).rejects.toMatchObject({
      name: "XAmzContentSHA256Mismatch",
    });
    s3.middlewareStack.remove("alterBody");
    const list = await fetch(`${emu.url}/object-storage/buckets/${bucket}/files`, { headers: { authorization: emu.apiKey } });
    expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
