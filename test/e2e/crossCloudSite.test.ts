// examples/cross-cloud-site through the real `pulumi` CLI against both emulators: a MamuteCloud site
// whose DNS is at Shardlyn. What issue 23 asks of it: the certificate's validation record and the
// `www` CNAME are Shardlyn records in the zone; the site is fetched over verified HTTPS from the
// MamuteCloud edge; changing one file moves one object, purges one path and sends no request to
// Shardlyn; destroy leaves nothing at either cloud.
import * as path from "node:path";
import { startShardlynEmulator, type ShardlynEmulator } from "../../shardlyn/emulator";
import { edgeGetTls } from "../emulator/cdn-helpers";
import { REPO_ROOT } from "../harness/providerHost";
import { shardlynApi } from "../shardlyn/harness";
import { exampleLifecycle, linkPackage } from "./harness";

let shardlyn: ShardlynEmulator;

beforeAll(async () => {
  shardlyn = await startShardlynEmulator({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await shardlyn?.stop();
});

const zoneRecords = async () => {
  const { status, body } = await shardlynApi<Array<{ type: string; name: string; content: string }>>(
    shardlyn,
    "GET",
    `/v1/dns/zones/${shardlyn.zoneId}/records`,
  );
  expect(status).toBe(200);
  return body;
};

exampleLifecycle({
  example: "cross-cloud-site",
  async prepare(project, emu) {
    linkPackage(project, "pulumi-shardlyn", path.join(REPO_ROOT, "shardlyn"));
    // The MamuteCloud emulator issues a certificate validated in DNS it cannot see after this delay.
    emu.setSettings({ sslValidationDelayMs: 1500 });
    await project.config({ "shardlyn:endpoint": shardlyn.url, zoneId: shardlyn.zoneId, credentialId: shardlyn.credentialId });
  },
  secretConfig: () => ({ "shardlyn:token": shardlyn.apiToken }),
  async check(outputs, emu) {
    // Against the emulator, the url opens on this machine: the edge's `.localhost` name for the host.
    expect(outputs.url).toMatch(/^https?:\/\/www\.example\.com[./]/);
    // The records at Shardlyn: the certificate's validation record and the CNAME to the CDN, nothing in MamuteCloud's DNS.
    const records = await zoneRecords();
    expect(records.map((record) => [record.type, record.name]).sort()).toEqual([
      ["CNAME", expect.stringMatching(/^_.+\.www$/)],
      ["CNAME", "www"],
    ]);
    expect(records.find((record) => record.name === "www")?.content).toBe(outputs.distributionDomain);
    expect(outputs.records).toEqual(expect.arrayContaining(["www.example.com"]));
    const page = await edgeGetTls(emu, { host: "www.example.com", path: "/", ca: emu.caCertificatePem });
    expect([page.status, page.body.includes("Served by MamuteCloud, named by Shardlyn")]).toEqual([200, true]);
  },
  edit: {
    apply: (project) => {
      project.write("www/style.css", "h1 { color: teal; }\n");
      shardlyn.resetRequests();
    },
    planned: ["update site-files"],
    served: { path: "/style.css", body: "h1 { color: teal; }\n" },
  },
  edited() {
    // Since the edit: its previews and its `up` sent nothing to Shardlyn.
    expect(shardlyn.requestCounts().total).toBe(0);
  },
  async destroyed() {
    expect(await zoneRecords()).toEqual([]);
  },
});
