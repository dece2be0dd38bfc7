// Every resource kind through the native plugin from a packed install: its lifecycle in the
// engine's order (with the detailed diff a native plugin shows), its import (Read with the id
// alone, then the engine's Check and Diff show no change), and a stack written by the dynamic host
// taken over by the native one (aliases) with no change.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { api, cleanEnv, stackConfig, type Emulator } from "../harness/emulator";
import { Engine } from "../harness/engine";
import { ProviderHost, isSecretValue, revealed, type Props } from "../harness/providerHost";
import { secretProperties } from "../../provider/resource";
import { definitions } from "../../provider/resources";
import { manifestInputs } from "../../provider/sync/manifest";
import { TestCa } from "../harness/testCertificates";
import { startRig, startTestEmulator, type PluginRig } from "./harness";

interface Scenario {
  /** Parents it needs, made through the engine; returns the ids they give. */
  parents?(engine: Engine, tag: string): Promise<Props>;
  args(parents: Props, tag: string): Props;
  /** A change applied in place, and the property the detailed diff names. */
  update: { args: Props; property: string };
  /** A change that replaces (what it needs made first), and the property that forces it. */
  replace: { args(engine: Engine, tag: string): Promise<Props>; property: string };
  /**
   * Makes the object outside Pulumi (for import): its id, and the program that declares it; or,
   * for a kind that cannot be imported, the error an import gets.
   */
  outOfBand: ((emu: Emulator, parents: Props, tag: string) => Promise<{ id: string; args: Props }>) | { refused: RegExp };
  /** Inputs the API never gives back (an import's generated program lacks them; the user adds them). */
  notReadable?: string[];
  /** Whether the API still has the object with this id (absent for a kind with no API object of its own). */
  exists?(emu: Emulator, id: string): Promise<boolean>;
}

async function found(emu: Emulator, path: string): Promise<boolean> {
  return (await api(emu, "GET", path)).status === 200;
}

async function zoneParent(engine: Engine, tag: string): Promise<Props> {
  await engine.up("DnsZone", `${tag}-zone`, { domain: `${tag}.example` });
  return { zoneId: engine.get(`${tag}-zone`).id };
}

async function bucketParent(engine: Engine, tag: string): Promise<Props> {
  await engine.up("Bucket", `${tag}-bucket`, { name: `${tag}-parent` });
  return { bucketId: engine.get(`${tag}-bucket`).id };
}

/** A bucket and a credential that opens it, as a SyncedFolder is given them. */
async function siteParent(engine: Engine, tag: string): Promise<Props> {
  const { bucketId } = await bucketParent(engine, tag);
  await engine.up("BucketCredential", `${tag}-key`, { bucketId });
  const key = engine.get(`${tag}-key`).outputs;
  // The secret as the engine passes an output to an input: still wrapped as a secret.
  return { bucket: bucketId, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-synced-folder-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** What the native SyncedFolder class registers: the args plus the manifest of a small site folder. */
function folderArgs(parents: Props, tag: string): Props {
  const dir = path.join(work, tag);
  fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
  fs.writeFileSync(path.join(dir, "index.html"), `<h1>${tag}</h1>`);
  fs.writeFileSync(path.join(dir, "assets", "app.js"), "console.log(1)");
  return { ...parents, path: dir, ...manifestInputs({ path: dir }) };
}

async function cdnParent(engine: Engine, tag: string): Promise<Props> {
  const { bucketId } = await bucketParent(engine, tag);
  await engine.up("CdnResource", `${tag}-cdn`, { name: `${tag}-cdn`, storageOrigin: { bucketId } });
  return { resourceId: engine.get(`${tag}-cdn`).id };
}

async function certificateParent(engine: Engine, tag: string): Promise<Props> {
  await engine.up("Certificate", `${tag}-cert`, { domainName: `${tag}.certs.example` });
  return { certificateId: engine.get(`${tag}-cert`).id };
}

let ca: TestCa | undefined;

/** A certificate and its key, signed by a CA of the test's own. */
async function importedParent(tag: string): Promise<Props> {
  ca ??= await TestCa.root();
  const server = await ca.server([`${tag}.imported.example`]);
  return { certificate: server.certificatePem, privateKey: server.privateKeyPem };
}

async function created(emu: Emulator, path: string, body?: unknown): Promise<any> {
  const answer = await api(emu, "POST", path, body);
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** One per resource kind: a kind without a scenario fails the first test. */
const scenarios: Record<string, Scenario> = {
  Bucket: {
    args: (_p, tag) => ({ name: `${tag}-b` }),
    update: { args: { forceDestroy: true }, property: "forceDestroy" },
    replace: { args: async () => ({ storageClass: "Archive" }), property: "storageClass" },
    outOfBand: async (emu, _p, tag) => {
      const bucket = await created(emu, "/object-storage/buckets", { name: `${tag}-imported`, storage_class: "InfrequentAccess" });
      return { id: bucket.id, args: { name: `${tag}-imported`, storageClass: "infrequent-access" } };
    },
    exists: (emu, id) => found(emu, `/object-storage/buckets/${id}`),
  },
  BucketCredential: {
    parents: bucketParent,
    args: (parents) => ({ bucketId: parents.bucketId }),
    update: { args: { active: false }, property: "active" },
    replace: { args: (engine, tag) => bucketParent(engine, `${tag}-other`), property: "bucketId" },
    outOfBand: async (emu, parents) => {
      const credential = await created(emu, `/object-storage/buckets/${parents.bucketId}/credentials`);
      return { id: `${parents.bucketId}/${credential.access_key_id}`, args: { bucketId: parents.bucketId } };
    },
    exists: async (emu, id) => {
      const [bucketId, accessKeyId] = id.split("/");
      const listed = await api(emu, "GET", `/object-storage/buckets/${bucketId}/credentials`);
      return (
        listed.status === 200 && listed.body.data.some((credential: { access_key_id: string }) => credential.access_key_id === accessKeyId)
      );
    },
  },
  DnsZone: {
    args: (_p, tag) => ({ domain: `${tag}-z.example` }),
    update: { args: { forceDestroy: true }, property: "forceDestroy" },
    replace: { args: async () => ({ domain: "replaced-zone.example" }), property: "domain" },
    outOfBand: async (emu, _p, tag) => {
      const zone = await created(emu, "/dns/zones", { domain: `${tag}-imported.example` });
      return { id: zone.id, args: { domain: `${tag.toUpperCase()}-imported.example.` } };
    },
    exists: (emu, id) => found(emu, `/dns/zones/${id}`),
  },
  DnsRecord: {
    parents: zoneParent,
    args: (parents) => ({ zoneId: parents.zoneId, name: "mail", type: "MX", values: ["10 mx1.example.net", "20 mx2.example.net"] }),
    update: { args: { ttl: 600 }, property: "ttl" },
    replace: { args: async () => ({ name: "mail2" }), property: "name" },
    outOfBand: async (emu, parents, tag) => {
      const record = await created(emu, `/dns/zones/${parents.zoneId}/records`, {
        name: `www.${tag}.example.`,
        type: "AAAA",
        values: ["2001:db8::1"],
        ttl: 300,
      });
      return {
        id: `${parents.zoneId}/${record.id}`,
        args: { zoneId: parents.zoneId, name: "www", type: "aaaa", values: ["2001:DB8:0::1"], ttl: 300 },
      };
    },
    exists: (emu, id) => found(emu, `/dns/zones/${id.replace("/", "/records/")}`),
  },
  SyncedFolder: {
    parents: siteParent,
    args: folderArgs,
    update: { args: { prefix: "moved" }, property: "prefix" },
    replace: { args: (engine, tag) => siteParent(engine, `${tag}-other`), property: "bucket" },
    outOfBand: { refused: /SyncedFolder ".*" cannot be imported or read by id alone .*declare it in the program/ },
    // Its id is `<bucket>/<prefix>`: whether that bucket holds any of its files.
    exists: async (emu, id) => (await api(emu, "GET", `/object-storage/buckets/${id.split("/")[0]}`)).body.object_count > 0,
  },
  SiteReleases: {
    parents: async (engine, tag) => {
      const site = await siteParent(engine, tag);
      await engine.up("CdnResource", `${tag}-cdn`, {
        name: `${tag}-cdn`,
        storageOrigin: { bucketId: site.bucket },
        originPathSwitched: true,
      });
      return { ...site, cdnResourceId: engine.get(`${tag}-cdn`).id };
    },
    args: folderArgs,
    update: { args: { keep: 2 }, property: "keep" },
    replace: { args: async () => ({ prefix: "moved" }), property: "prefix" },
    outOfBand: { refused: /SiteReleases ".*" cannot be imported or read by id alone .*declare it in the program/ },
    // Its id is `<bucket>/<prefix>releases/`: whether any release is stored there.
    exists: async (emu, id) => {
      const bucket = id.slice(0, id.indexOf("/"));
      const listed = await api(emu, "GET", `/object-storage/buckets/${bucket}/files?limit=100`);
      return listed.body.data.some((file: { key: string }) => file.key.startsWith(id.slice(bucket.length + 1)));
    },
  },
  CdnResource: {
    parents: bucketParent,
    args: (parents, tag) => ({ name: `${tag}-site`, storageOrigin: { bucketId: parents.bucketId } }),
    update: { args: { description: "changed in place" }, property: "description" },
    replace: {
      args: async () => ({ storageOrigin: undefined, customOrigin: { hostname: "origin.example.net" } }),
      property: "customOrigin",
    },
    outOfBand: async (emu, parents, tag) => {
      const resource = await created(emu, "/cdn/resource", {
        name: `${tag}-imported`,
        origin_group: { type: "storage", bucket_id: parents.bucketId },
      });
      return { id: resource.id, args: { name: `${tag}-imported`, storageOrigin: { bucketId: parents.bucketId } } };
    },
    exists: (emu, id) => found(emu, `/cdn/resource/${id}`),
  },
  CdnCustomDomain: {
    parents: cdnParent,
    args: (parents, tag) => ({ resourceId: parents.resourceId, domainName: `www.${tag}.example` }),
    update: { args: { active: false }, property: "active" },
    replace: { args: (engine, tag) => cdnParent(engine, `${tag}-other`), property: "resourceId" },
    outOfBand: async (emu, parents, tag) => {
      const resource = await api(emu, "PUT", `/cdn/resource/${parents.resourceId}`, {
        custom_domains: [{ domain_name: `www.${tag}.example` }],
      });
      const domain = resource.body.custom_domains[0];
      return {
        id: `${parents.resourceId}/${domain.id}`,
        args: { resourceId: parents.resourceId, domainName: `www.${tag}.example`, active: false },
      };
    },
    exists: async (emu, id) => {
      const [resourceId, domainId] = id.split("/");
      const resource = await api(emu, "GET", `/cdn/resource/${resourceId}`);
      return resource.status === 200 && resource.body.custom_domains.some((domain: { id: string }) => domain.id === domainId);
    },
  },
  Certificate: {
    args: (_p, tag) => ({ domainName: `${tag}.certs.example` }),
    update: { args: { deleteTimeout: "10m" }, property: "deleteTimeout" },
    replace: { args: async (_engine, tag) => ({ domainName: `${tag}-2.certs.example` }), property: "domainName" },
    outOfBand: async (emu, _p, tag) => {
      const certificate = await created(emu, "/cdn/ssl-certificate", { domain_name: `${tag}.certs.example` });
      return { id: certificate.id, args: { domainName: `${tag}.certs.example` } };
    },
    exists: (emu, id) => found(emu, `/cdn/ssl-certificate/${id}`),
  },
  CertificateValidation: {
    parents: certificateParent,
    args: (parents) => ({ certificateId: parents.certificateId }),
    update: { args: { timeout: "30m" }, property: "timeout" },
    replace: { args: (engine, tag) => certificateParent(engine, `${tag}-other`), property: "certificateId" },
    outOfBand: async (_emu, parents) => ({ id: String(parents.certificateId), args: { certificateId: parents.certificateId } }),
  },
  ImportedCertificate: {
    parents: (_engine, tag) => importedParent(tag),
    notReadable: ["certificate", "privateKey"],
    args: (parents) => ({ ...parents }),
    update: { args: { deleteTimeout: "10m" }, property: "deleteTimeout" },
    replace: { args: (_engine, tag) => importedParent(`${tag}-2`), property: "certificate" },
    outOfBand: async (emu, parents) => {
      const certificate = await created(emu, "/cdn/ssl-certificate/import", {
        certificate: parents.certificate,
        private_key: parents.privateKey,
      });
      return { id: certificate.id, args: { ...parents } };
    },
    exists: (emu, id) => found(emu, `/cdn/ssl-certificate/${id}`),
  },
};

let rig: PluginRig;
let emu: Emulator;
let engine: Engine;

beforeAll(async () => {
  rig = await startRig();
  emu = await startTestEmulator();
  // Deployments done at once, and certificates for names outside the emulator's zones issued at once.
  emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
  engine = await Engine.create(await rig.plugin({ emu }));
}, 300_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

test("every registered resource kind has a scenario here", () => {
  expect(definitions.map((definition) => definition.kind).sort()).toEqual(Object.keys(scenarios).sort());
});

describe.each(Object.entries(scenarios))("%s", (kind, scenario) => {
  const tag = kind.toLowerCase();

  test("create, no change, update in place, replace, refresh, delete", async () => {
    const parents = (await scenario.parents?.(engine, `${tag}-life`)) ?? {};
    const args = scenario.args(parents, `${tag}-life`);
    expect((await engine.up(kind, tag, args)).op).toBe("create");
    const first = engine.get(tag);
    // Secret properties are secrets in state, whether or not the program marked them.
    for (const key of secretProperties(definitions.find((definition) => definition.kind === kind)!)) {
      if (first.inputs[key] !== undefined) expect(`${key}: ${isSecretValue(first.inputs[key])}`).toBe(`${key}: true`);
      expect(`${key}: ${isSecretValue(first.outputs[key])}`).toBe(`${key}: true`);
    }
    if (scenario.exists) expect(await scenario.exists(emu, first.id)).toBe(true);
    expect((await engine.up(kind, tag, args)).op).toBe("same");

    const updated = { ...args, ...scenario.update.args };
    const check = await engine.check(kind, tag, updated);
    expect(await engine.host.detailedDiff(kind, tag, first.id, first.outputs, check.inputs)).toEqual({
      [scenario.update.property]: expect.stringMatching(/^(UPDATE|ADD|DELETE)$/),
    });
    expect((await engine.up(kind, tag, updated)).op).toBe("update");
    expect(engine.get(tag).id).toBe(first.id);

    expect(await engine.refresh(tag)).toBe(true);
    expect((await engine.up(kind, tag, updated)).op).toBe("same");

    const replacing = { ...updated, ...(await scenario.replace.args(engine, tag)) };
    const replaceCheck = await engine.check(kind, tag, replacing);
    expect(await engine.host.detailedDiff(kind, tag, first.id, engine.get(tag).outputs, replaceCheck.inputs)).toMatchObject({
      [scenario.replace.property]: expect.stringMatching(/_REPLACE$/),
    });
    const replaced = await engine.up(kind, tag, replacing);
    expect(replaced.op).toBe("replace");
    expect(engine.get(tag).id).not.toBe(first.id);

    const last = engine.get(tag).id;
    if (scenario.exists) expect(await scenario.exists(emu, first.id)).toBe(false);
    await engine.destroy(tag);
    if (scenario.exists) expect(await scenario.exists(emu, last)).toBe(false);
  });

  test("import: Read with the id alone, then the engine's Check and Diff show no change (or a clear refusal)", async () => {
    const name = `${tag}-imported`;
    if ("refused" in scenario.outOfBand) {
      await expect(engine.import(kind, name, "bkt_0123456789abcdef/site/", {})).rejects.toThrow(scenario.outOfBand.refused);
      return;
    }
    const parents = (await scenario.parents?.(engine, `${tag}-imp`)) ?? {};
    const made = await scenario.outOfBand(emu, parents, `${tag}-imp`);
    const imported = await engine.import(kind, name, made.id, made.args);
    expect(imported.read.id).toBe(made.id);
    expect(imported.diff).toMatchObject({ changes: "none" });
    // `pulumi import`: the inputs read are checked as the program it generates would give them.
    const generated = Object.fromEntries(Object.entries(revealed(imported.read.inputs)).filter(([key]) => !key.startsWith("__")));
    // What the API never gives back is missing there, and the user adds it, as the program has it.
    for (const key of scenario.notReadable ?? []) generated[key] = made.args[key];
    const again = await engine.host.check(kind, name, imported.read.inputs, generated);
    expect(again.failures).toEqual([]);
    expect((await engine.host.diff(kind, name, made.id, imported.read.outputs, again.inputs)).changes).toBe("none");
    // Then the program goes on as if the stack had made it.
    expect((await engine.up(kind, name, made.args)).op).toBe("same");
    await engine.destroy(name);
  });
});

test("a stack written by the dynamic host, taken over by the native plugin (aliases): no change, and it manages what it took over", async () => {
  const dynamicHost = await ProviderHost.start({ env: cleanEnv() });
  try {
    await dynamicHost.configure(stackConfig(emu));
    const dynamic = await Engine.create(dynamicHost);
    const declared: Array<[string, string, Props]> = [];
    for (const [kind, scenario] of Object.entries(scenarios)) {
      const parents = (await scenario.parents?.(dynamic, `${kind.toLowerCase()}-mig`)) ?? {};
      declared.push([kind, `${kind.toLowerCase()}-mig`, scenario.args(parents, `${kind.toLowerCase()}-mig`)]);
    }
    declared.push(["Bucket", "auto-named", {}]);
    for (const [kind, name, args] of declared) await dynamic.up(kind, name, args);

    const native = await Engine.create(await rig.plugin({ emu }));
    for (const [name, state] of dynamic.state) native.state.set(name, { ...state });
    for (const [name, state] of dynamic.state) {
      // The program now declares the native type with the same args (the parents keep their ids).
      const step = await native.up(state.kind, name, declared.find(([, n]) => n === name)?.[2] ?? dynamicArgs(state.inputs));
      expect(`${name}: ${step.op}`).toBe(`${name}: same`);
    }
    expect(native.get("auto-named").inputs.name).toBe(dynamic.get("auto-named").outputs.name);
    // Old ids work for every operation: refresh, update, delete.
    expect(await native.refresh("bucket-mig")).toBe(true);
    expect((await native.up("Bucket", "bucket-mig", { name: "bucket-mig-b", forceDestroy: true })).op).toBe("update");
    for (const name of [...native.state.keys()].reverse()) await native.destroy(name);
  } finally {
    await dynamicHost.close();
  }
});

/** The args of a parent declared by a scenario's `parents` (its inputs without the dynamic keys). */
function dynamicArgs(inputs: Props): Props {
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => !key.startsWith("__")));
}
