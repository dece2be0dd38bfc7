// Replacing a certificate while it serves: a site on a custom domain over HTTPS, through the real
// provider host and the emulator's edge, is probed continuously while its certificate is replaced
// in the engine's order (new certificate, its validation, the custom domain switched to it, and
// only then the old certificate deleted). Every request must succeed, verified against the
// emulator's CA, and the edge must have served the old and then the new certificate.
import { request } from "node:https";
import type { TLSSocket } from "node:tls";
import type { Engine } from "../harness/engine";
import { api, type Emulator } from "../harness/emulator";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { putObjects } from "../harness/s3";

const DOMAIN = "www.rotate.example";
const PAGE = "<h1>served through a rotation</h1>";

let emu: Emulator;
let engine: Engine;
let lifecycle: Lifecycle;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
  // Deployments take a moment, as on a real CDN; validation happens through the emulator's DNS only.
  emu.setSettings({ cdnDeployDelayMs: 300, sslValidationDelayMs: 600_000 });
});

afterAll(() => lifecycle?.close());

interface Probe {
  status: number;
  body: string;
  fingerprint: string;
}

/** One HTTPS GET of the custom domain on a new connection (a new handshake), verified with the emulator's CA. */
function probe(): Promise<Probe> {
  const edge = new URL(emu.edgeHttpsUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: edge.hostname,
        port: edge.port,
        path: "/",
        servername: DOMAIN,
        headers: { host: DOMAIN },
        ca: emu.caCertificatePem,
        agent: false,
        timeout: 5000,
      },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Probes until stopped; every answer that is not the page, and every error, is a failure. */
function keepProbing() {
  const failures: string[] = [];
  const fingerprints: string[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      try {
        const answer = await probe();
        if (answer.status === 200 && answer.body === PAGE) fingerprints.push(answer.fingerprint);
        else failures.push(`HTTP ${answer.status}: ${answer.body.slice(0, 100)}`);
      } catch (err) {
        failures.push(String((err as Error).message));
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    failures,
    fingerprints,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

/** The user's DnsRecords for a certificate's validation records; an unchanged record is no change. */
async function validationRecords(zoneId: string): Promise<string[]> {
  const records = engine.get("cert").outputs.validationRecords as Array<{ domainName: string; name: string; type: string; value: string }>;
  const names: string[] = [];
  for (const record of records) {
    const name = `validation-${record.domainName}`;
    await engine.up("DnsRecord", name, { zoneId, name: record.name, type: record.type, values: [record.value] });
    names.push(name);
  }
  return names;
}

function fingerprintOf(certificateId: string): Promise<string> {
  return api(emu, "GET", `/cdn/ssl-certificate/${certificateId}`).then(({ body }) => body.fingerprint_sha256);
}

test("every HTTPS request to the custom domain succeeds while its certificate is replaced", async () => {
  await engine.up("Bucket", "site", { name: "rotation-site", forceDestroy: true });
  const bucketId = engine.get("site").id;
  await putObjects(emu, bucketId, { "index.html": PAGE });
  await engine.up("DnsZone", "zone", { domain: "rotate.example" });
  const zoneId = engine.get("zone").id;

  await engine.up("Certificate", "cert", { domainName: DOMAIN });
  const oldCertificate = engine.get("cert").id;
  await validationRecords(zoneId);
  await engine.up("CertificateValidation", "validation", { certificateId: oldCertificate, timeout: "1m" });
  await engine.up("CdnResource", "cdn", { storageOrigin: { bucketId }, deployTimeout: "1m" });
  const resourceId = engine.get("cdn").id;
  const domainArgs = { resourceId, domainName: DOMAIN, activationTimeout: "1m" };
  await engine.up("CdnCustomDomain", "www", { ...domainArgs, certificateId: engine.get("validation").id });
  await engine.up("DnsRecord", "www-cname", { zoneId, name: "www", type: "CNAME", values: [engine.get("www").outputs.cnameTarget] });

  const before = await probe();
  expect(before).toMatchObject({ status: 200, body: PAGE, fingerprint: await fingerprintOf(oldCertificate) });

  const probing = keepProbing();
  try {
    // The program now asks for the apex too. The engine's order for this change:
    const replaced = await engine.up(
      "Certificate",
      "cert",
      { domainName: DOMAIN, subjectAlternativeNames: ["rotate.example"] },
      { deferDelete: true },
    );
    expect(replaced).toMatchObject({ op: "replace", order: ["create"] });
    const newCertificate = engine.get("cert").id;
    await validationRecords(zoneId);
    const validated = await engine.up(
      "CertificateValidation",
      "validation",
      { certificateId: newCertificate, timeout: "1m" },
      { deferDelete: true },
    );
    expect(validated.op).toBe("replace");
    const switched = await engine.up("CdnCustomDomain", "www", { ...domainArgs, certificateId: engine.get("validation").id });
    expect(switched.op).toBe("update");
    // Only now, after every dependent was updated, the old validation and certificate are deleted.
    expect((await api(emu, "GET", `/cdn/ssl-certificate/${oldCertificate}`)).status).toBe(200);
    await engine.finishReplacements();
    expect((await api(emu, "GET", `/cdn/ssl-certificate/${oldCertificate}`)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await probing.stop();
  }

  const newFingerprint = await fingerprintOf(engine.get("cert").id);
  expect(probing.failures).toEqual([]);
  // Enough requests to span the whole rotation, even on a loaded machine.
  expect(probing.fingerprints.length).toBeGreaterThanOrEqual(10);
  // Both certificates served, the old one first, and the new one to the end.
  const oldFingerprint = before.fingerprint;
  expect(probing.fingerprints[0]).toBe(oldFingerprint);
  expect(probing.fingerprints.at(-1)).toBe(newFingerprint);
  const switchedAt = probing.fingerprints.indexOf(newFingerprint);
  expect(probing.fingerprints.slice(switchedAt).every((seen) => seen === newFingerprint)).toBe(true);

  for (const name of [...engine.state.keys()].reverse()) await engine.destroy(name);
});
