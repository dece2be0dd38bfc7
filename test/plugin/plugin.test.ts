// The native plugin from a packed install, started as Pulumi's Node language host starts a
// `runtime: nodejs` plugin, driven over gRPC: what it serves (info, schema), configuration from
// config and from the environment, lookups, status lines to the engine, secrets, and two provider
// instances against two accounts in one program.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { api, cleanEnv, listAll, stackConfig, type Emulator } from "../harness/emulator";
import { Engine, UNKNOWN } from "../harness/engine";
import { manifestInputs } from "../../provider/sync/manifest";
import { accountOf, derivedNaming } from "../../provider/naming";
import { killedRun } from "../harness/kill";
import { HostCallError, ProviderHost, REPO_ROOT, bareKeys, configurePlugin, isSecretValue, nativeUrnOf } from "../harness/providerHost";
import { checkConfig, diffConfig, invoke, startRig, startTestEmulator, type PluginRig } from "./harness";
import { packageValidator } from "../harness/metaschema";

const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

let rig: PluginRig;
let emu: Emulator;
let host: ProviderHost;
let engine: Engine;

beforeAll(async () => {
  rig = await startRig();
  emu = await startTestEmulator();
  host = await rig.plugin({ emu });
  engine = await Engine.create(host);
}, 300_000);

afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

test("the installed package holds the plugin folder's executables and the bin", () => {
  const { pluginDir, dir } = rig.project;
  // An executable folder, not a `runtime: nodejs` one: the engine runs it without a language host.
  expect(fs.existsSync(path.join(pluginDir, "PulumiPlugin.yaml"))).toBe(false);
  const executable = path.join(pluginDir, "pulumi-resource-mamutecloud");
  expect(fs.statSync(executable).mode & 0o111).not.toBe(0);
  expect(fs.readFileSync(`${executable}.cmd`, "utf8")).toContain("dist\\provider\\plugin\\main.js");
  expect(fs.existsSync(path.join(dir, "node_modules", ".bin", "pulumi-resource-mamutecloud"))).toBe(true);
  // The native SDK loads from the installed package, with a class per kind.
  const exported = execFileSync(
    process.execPath,
    ["-e", 'console.log(Object.keys(require("pulumi-mamutecloud/native")).sort().join(","))'],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  expect(exported.trim().split(",")).toEqual(expect.arrayContaining(["Bucket", "DnsRecord", "Provider", "getBucket"]));
});

test("GetPluginInfo answers the package version; GetSchema the schema.json shipped, valid against the metaschema", async () => {
  const info = await host.unary<emptyproto.Empty, plugproto.PluginInfo>("getPluginInfo", new emptyproto.Empty());
  expect(info.getVersion()).toBe(version);
  const response = await host.unary<provproto.GetSchemaRequest, provproto.GetSchemaResponse>("getSchema", new provproto.GetSchemaRequest());
  const served = JSON.parse(response.getSchema());
  const shipped = JSON.parse(fs.readFileSync(path.join(rig.project.dir, "node_modules", "pulumi-mamutecloud", "schema.json"), "utf8"));
  expect(served).toEqual(shipped);
  expect(served.version).toBe(version);
  expect(Object.keys(served.resources)).toEqual(expect.arrayContaining(["mamutecloud:index:Bucket", "mamutecloud:index:DnsRecord"]));
  expect(Object.keys(served.functions)).toEqual(expect.arrayContaining(["mamutecloud:index:getBucket", "mamutecloud:index:getDnsZone"]));
  expect(packageValidator()(served)).toBe(true);
});

test("the executable for PATH serves the same plugin (the engine address after logging flags)", async () => {
  const executable = path.join(rig.project.dir, "node_modules", ".bin", "pulumi-resource-mamutecloud");
  const onPath = await ProviderHost.startExecutable(fs.realpathSync(executable), {
    cwd: rig.project.dir,
    engineAddress: rig.engineService.address,
    env: cleanEnv(),
  });
  try {
    const info = await onPath.unary<emptyproto.Empty, plugproto.PluginInfo>("getPluginInfo", new emptyproto.Empty());
    expect(info.getVersion()).toBe(version);
    await configurePlugin(onPath, bareKeys(stackConfig(emu)));
    const pathEngine = await Engine.create(onPath);
    await pathEngine.up("DnsZone", "on-path", { domain: "on-path.example" });
    await pathEngine.destroy("on-path");
  } finally {
    await onPath.close();
  }
});

test("CheckConfig names a bad setting; DiffConfig reports a change of account without asking for replacement", async () => {
  expect(await checkConfig(host, { endpoint: "http://api.example.com" })).toEqual([expect.stringMatching(/^endpoint: .*plain http/)]);
  expect(await checkConfig(host, { authHeader: "cookie" })).toEqual([expect.stringMatching(/^authHeader: /)]);
  expect(await checkConfig(host, { endpoint: emu.url, apiKey: emu.apiKey })).toEqual([]);
  // At preview an endpoint may be another resource's output, not known yet.
  expect(await checkConfig(host, { endpoint: UNKNOWN, apiKey: emu.apiKey })).toEqual([]);
  const same = await diffConfig(host, { endpoint: emu.url }, { endpoint: emu.url });
  expect(same.changes).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
  const moved = await diffConfig(host, { endpoint: emu.url }, { endpoint: "http://127.0.0.1:1" });
  expect(moved).toEqual({ changes: provproto.DiffResponse.DiffChanges.DIFF_SOME, replaces: [], diffs: ["endpoint"] });
});

test("Check derives an auto-name from the request's URN, the same on every check, and keeps the URN out of the inputs", async () => {
  const account = accountOf({ endpoint: emu.url, apiKey: emu.apiKey });
  const expected = derivedNaming(nativeUrnOf("Bucket", "derived"), account!).name("derived").name;
  const first = await host.check("Bucket", "derived", {}, {});
  expect(first.inputs).toMatchObject({ name: expected, __nameFromUrn: true });
  expect(first.inputs.__urn).toBeUndefined();
  expect((await host.check("Bucket", "derived", {}, {})).inputs.name).toBe(expected);
  expect((await host.check("Bucket", "other", {}, {})).inputs.name).not.toBe(expected.replace("derived", "other"));
});

test("a DNS record create killed inside the plugin: the next up names the import id; imported with it, the stack is whole", async () => {
  const zoneEngine = await Engine.create(await rig.plugin({ emu }));
  await zoneEngine.up("DnsZone", "cut-zone", { domain: "cut-native.example" });
  const zoneId = zoneEngine.get("cut-zone").id;
  const args = { zoneId, name: "www", type: "A", values: ["192.0.2.80"] };
  emu.setFaults({
    seed: 1,
    rules: [
      { route: "POST /dns/zones/{zone_id}/records", fault: "lost_response", times: 1 },
      { route: "GET /dns/zones/{zone_id}/records", fault: "delay", delayMs: 1000, times: 1 },
    ],
  });
  const next = await killedRun(
    emu,
    zoneEngine,
    (current) => current.up("DnsRecord", "www", args),
    { route: "GET /dns/zones/{zone_id}/records", count: 1, delayMs: 20 },
    [],
    () => rig.plugin({ emu }),
  );
  emu.clearFaults();
  const [made] = (await listAll(emu, `/dns/zones/${zoneId}/records`)).filter((record) => record.name === "www.cut-native.example.");
  const id = `${zoneId}/${made.id}`;
  const refused = await next.up("DnsRecord", "www", args).then(
    () => "created",
    (err: Error) => err.message,
  );
  expect(refused).toContain(`adopt it by adding the resource option \`import: "${id}"\``);
  // What the message says for the native provider: the `import` option, for one up.
  const imported = await next.import("DnsRecord", "www", id, args);
  expect(imported.diff.changes).toBe("none");
  expect((await next.up("DnsRecord", "www", args)).op).toBe("same");
  expect(next.get("www").id).toBe(id);
  await next.destroy("www");
  await next.destroy("cut-zone");
});

test("configured from the environment alone (no provider inputs), the plugin creates in that account", async () => {
  const fromEnv = await rig.plugin({
    env: cleanEnv({ MAMUTECLOUD_API_KEY: emu.apiKey, MAMUTECLOUD_ENDPOINT: emu.url, MAMUTECLOUD_S3_ENDPOINT: emu.s3Url }),
  });
  const request = new provproto.ConfigureRequest().setAcceptsecrets(true);
  await fromEnv.unary("configure", request);
  const envEngine = await Engine.create(fromEnv);
  await envEngine.up("Bucket", "from-env", { name: "from-env-bucket" });
  expect((await listAll(emu, "/object-storage/buckets")).map((b) => b.name)).toContain("from-env-bucket");
  await envEngine.destroy("from-env");
  expect(fromEnv.stderr).not.toContain(emu.apiKey);
});

test("Configure: typed values in args are read as settings; an engine that sends only `variables` is understood too", async () => {
  const typed = await rig.plugin({ env: cleanEnv() });
  await configurePlugin(typed, { ...bareKeys(stackConfig(emu)), insecure: false, maxRetries: 0, requestTimeout: 30 });
  const typedEngine = await Engine.create(typed);
  await typedEngine.up("DnsZone", "typed", { domain: "typed-config.example" });
  await typedEngine.destroy("typed");

  const old = await rig.plugin({ env: cleanEnv() });
  const request = new provproto.ConfigureRequest();
  for (const [key, value] of Object.entries(bareKeys(stackConfig(emu)))) request.getVariablesMap().set(`mamutecloud:config:${key}`, value);
  await old.unary("configure", request);
  const oldEngine = await Engine.create(old);
  await oldEngine.up("DnsZone", "variables", { domain: "variables-config.example" });
  await oldEngine.destroy("variables");
});

test("a missing credential fails the first operation with both ways to set it, and a preview still works", async () => {
  const bare = await rig.plugin({ env: cleanEnv() });
  await bare.unary("configure", new provproto.ConfigureRequest().setAcceptsecrets(true));
  const bareEngine = await Engine.create(bare);
  expect((await bareEngine.preview("Bucket", "b", { name: "nothing-yet" })).op).toBe("create");
  await expect(bareEngine.up("Bucket", "b", { name: "nothing-yet" })).rejects.toThrow(/mamutecloud:apiKey.*MAMUTECLOUD_API_KEY/);
});

test("lookups: getBucket by name and id, getDnsZone by domain, getDnsRecord by name and type, getBucketCredential", async () => {
  await engine.up("Bucket", "assets", { name: "lookup-assets" });
  await engine.up("BucketCredential", "reader", { bucketId: engine.get("assets").id });
  await engine.up("DnsZone", "zone", { domain: "lookup.example" });
  await engine.up("DnsRecord", "www", { zoneId: engine.get("zone").id, name: "www", type: "A", values: ["192.0.2.1"] });

  const byName = await invoke(host, "mamutecloud:index:getBucket", { name: "Lookup-Assets" });
  expect(byName.failures).toEqual([]);
  expect(byName.result).toMatchObject({
    id: engine.get("assets").id,
    name: "lookup-assets",
    storageClass: "Standard",
    forceDestroy: false,
  });
  expect(Object.keys(byName.result).some((key) => key.startsWith("__"))).toBe(false);
  const byId = await invoke(host, "mamutecloud:index:getBucket", { id: engine.get("assets").id });
  expect(byId.result).toEqual(byName.result);

  const zone = await invoke(host, "mamutecloud:index:getDnsZone", { domain: "lookup.example." });
  expect(zone.result).toMatchObject({ id: engine.get("zone").id, domain: "lookup.example", nameservers: expect.any(Array) });
  const record = await invoke(host, "mamutecloud:index:getDnsRecord", { zoneId: engine.get("zone").id, name: "WWW", type: "a" });
  expect(record.result).toMatchObject({ id: engine.get("www").id, fqdn: "www.lookup.example", values: ["192.0.2.1"] });

  const credential = await invoke(host, "mamutecloud:index:getBucketCredential", {
    bucketId: engine.get("assets").id,
    accessKeyId: engine.get("reader").outputs.accessKeyId,
  });
  expect(credential.result).toMatchObject({ id: engine.get("reader").id, active: true });
  expect(credential.result.secretAccessKey).toBeUndefined();

  // What a user gets wrong: a failure naming the argument, or an error naming what was not found.
  expect((await invoke(host, "mamutecloud:index:getBucket", { name: "no" })).failures).toEqual([
    expect.stringMatching(/^name: must be 3-63/),
  ]);
  expect((await invoke(host, "mamutecloud:index:getDnsRecord", { zoneId: engine.get("zone").id })).failures).toEqual([
    "name: is required",
    "type: is required",
  ]);
  await expect(invoke(host, "mamutecloud:index:getBucket", { name: "nobody-has-this" })).rejects.toThrow(
    /no Bucket with name "nobody-has-this"/,
  );
  await expect(invoke(host, "mamutecloud:index:getBucket", {})).rejects.toThrow(/exactly one of id and name/);
  await expect(invoke(host, "mamutecloud:index:getDnsZone", { id: "zone_missing" })).rejects.toThrow(/not found/);

  for (const name of ["www", "zone", "reader", "assets"]) await engine.destroy(name);
});

test("a long wait sends ephemeral status lines with the resource's URN to the engine", async () => {
  emu.setFaults({ rules: [{ route: "POST /object-storage/buckets", fault: "status", status: 429, retryAfter: 1, times: 1 }] });
  try {
    await engine.up("Bucket", "slow", { name: "slow-bucket" });
  } finally {
    emu.clearFaults();
  }
  const lines = rig.engineService.lines.filter((line) => line.urn === nativeUrnOf("Bucket", "slow"));
  expect(lines).toEqual([
    expect.objectContaining({
      ephemeral: true,
      message: expect.stringMatching(/^create bucket "slow-bucket": HTTP 429; retrying in 1\.[0-5]s \(throttled 1 time\)$/),
    }),
  ]);
  await engine.destroy("slow");
});

test("a CDN deployment's wait sends its status lines to the engine on the resource's row, not to the plugin's stdout", async () => {
  await engine.up("Bucket", "cdn-origin", { name: "plugin-cdn-origin" });
  emu.setSettings({ cdnDeployDelayMs: 2500 });
  try {
    await engine.up("CdnResource", "cdn", { name: "plugin-cdn", storageOrigin: { bucketId: engine.get("cdn-origin").id } });
  } finally {
    emu.setSettings({ cdnDeployDelayMs: 0 });
  }
  const id = engine.get("cdn").id;
  const lines = rig.engineService.lines.filter((line) => line.urn === nativeUrnOf("CdnResource", "cdn"));
  expect(lines.every((line) => line.ephemeral)).toBe(true);
  const messages = lines.map((line) => line.message);
  expect(messages[0]).toBe(`waiting for CDN resource ${id} (plugin-cdn) to be deployed (status in_progress, timeout 30m)`);
  expect(messages.at(-1)).toMatch(new RegExp(`^CDN resource ${id} \\(plugin-cdn\\) to be deployed: deployed after \\ds$`));
  expect(host.stdout).not.toContain("to be deployed");
  await engine.destroy("cdn");
  await engine.destroy("cdn-origin");
});

test("lookups of the CDN kinds: getCdnResource by name and by id, getCertificate by id", async () => {
  emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 0 });
  await engine.up("Bucket", "looked-origin", { name: "plugin-looked-origin" });
  await engine.up("CdnResource", "looked", { name: "plugin-looked", storageOrigin: { bucketId: engine.get("looked-origin").id } });
  await engine.up("Certificate", "looked-cert", { domainName: "www.looked.example" });
  const id = engine.get("looked").id;
  const byName = await invoke(host, "mamutecloud:index:getCdnResource", { name: "plugin-looked" });
  expect(byName.result).toMatchObject({
    id,
    name: "plugin-looked",
    storageOrigin: { bucketId: engine.get("looked-origin").id },
    status: "deployed",
  });
  expect((await invoke(host, "mamutecloud:index:getCdnResource", { id })).result).toEqual(byName.result);
  await expect(invoke(host, "mamutecloud:index:getCdnResource", { name: "no-such-site" })).rejects.toThrow(
    /no CdnResource with name "no-such-site"/,
  );
  const certificate = await invoke(host, "mamutecloud:index:getCertificate", { id: engine.get("looked-cert").id });
  expect(certificate.result).toMatchObject({ id: engine.get("looked-cert").id, domainName: "www.looked.example", status: "issued" });
  expect((await invoke(host, "mamutecloud:index:getCertificate", {})).failures).toEqual(["id: is required"]);
  for (const name of ["looked-cert", "looked", "looked-origin"]) await engine.destroy(name);
});

test("secrets: the S3 secret and the API key travel as secrets and never in plain text on stderr", async () => {
  await engine.up("Bucket", "vault", { name: "secret-vault" });
  await engine.up("BucketCredential", "key", { bucketId: engine.get("vault").id });
  const outputs = engine.get("key").outputs;
  expect(isSecretValue(outputs.secretAccessKey)).toBe(true);
  const secret = (outputs.secretAccessKey as { value: string }).value;
  expect(secret).toHaveLength(40);
  // A refresh keeps it, still as a secret.
  await engine.refresh("key");
  expect(engine.get("key").outputs.secretAccessKey).toEqual(outputs.secretAccessKey);
  // An error that would quote the configuration does not quote the key.
  await expect(engine.up("DnsRecord", "bad", { zoneId: "zone_nope", name: "x", type: "A", values: ["192.0.2.1"] })).rejects.toThrow();
  await engine.destroy("key");
  await engine.destroy("vault");
  expect(host.stderr).not.toContain(secret);
  expect(host.stderr).not.toContain(emu.apiKey);
  expect(rig.engineService.lines.map((line) => line.message).join("\n")).not.toContain(emu.apiKey);
});

test("SyncedFolder's S3 secret, given as a plain string, is kept secret by the plugin in inputs and outputs and never printed", async () => {
  await engine.up("Bucket", "folder-bucket", { name: "secret-folder" });
  await engine.up("BucketCredential", "folder-key", { bucketId: engine.get("folder-bucket").id });
  const secret = (engine.get("folder-key").outputs.secretAccessKey as { value: string }).value;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-secret-folder-"));
  try {
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>secret</h1>");
    const args = {
      bucket: engine.get("folder-bucket").id,
      accessKeyId: engine.get("folder-key").outputs.accessKeyId,
      secretAccessKey: secret,
      path: dir,
      ...manifestInputs({ path: dir }),
    };
    expect((await engine.up("SyncedFolder", "folder", args)).op).toBe("create");
    expect(isSecretValue(engine.get("folder").inputs.secretAccessKey)).toBe(true);
    expect(isSecretValue(engine.get("folder").outputs.secretAccessKey)).toBe(true);
    expect((await api(emu, "GET", `/object-storage/buckets/${args.bucket}`)).body.object_count).toBe(1);
    // A wrong secret fails the sync with S3's refusal, without quoting either secret.
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>changed</h1>");
    const wrong = "w".repeat(40);
    await expect(
      engine.up("SyncedFolder", "folder", { ...args, secretAccessKey: wrong, ...manifestInputs({ path: dir }) }),
    ).rejects.toThrow();
    await engine.destroy("folder");
    expect((await api(emu, "GET", `/object-storage/buckets/${args.bucket}`)).body.object_count).toBe(0);
    expect(host.stderr).not.toContain(secret);
    expect(host.stderr).not.toContain(wrong);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await engine.destroy("folder-key");
    await engine.destroy("folder-bucket");
  }
});

test("a create whose answer is lost and whose lookup fails leaves a pending trace through the plugin; the next up settles it", async () => {
  emu.setFaults({
    seed: 3,
    rules: [
      { route: "POST /object-storage/buckets", fault: "lost_response", times: 1 },
      { route: "GET /object-storage/buckets", fault: "status", status: 500, times: 6 },
    ],
  });
  const failure = await engine.up("Bucket", "lost", { name: "plugin-lost" }).catch((err: unknown) => err);
  emu.clearFaults();
  expect(failure).toBeInstanceOf(HostCallError);
  expect((failure as Error).message).toMatch(/a bucket named "plugin-lost" may exist/i);
  const trace = engine.get("lost");
  expect(trace.id).toMatch(/^pending:/);
  expect(trace.initErrors?.length).toBe(1);
  const named = async () => (await listAll(emu, "/object-storage/buckets")).filter((bucket) => bucket.name === "plugin-lost");
  expect(await named()).toHaveLength(1);

  // The preview names the trace's id as what is replaced, deleting first.
  const check = await engine.check("Bucket", "lost", { name: "plugin-lost" });
  expect(await engine.host.detailedDiff("Bucket", "lost", trace.id, trace.outputs, check.inputs)).toEqual({
    id: expect.stringMatching(/_REPLACE$/),
  });
  const step = await engine.up("Bucket", "lost", { name: "plugin-lost" });
  expect(step.op).toBe("replace");
  expect(step.order).toEqual(["delete", "create"]);
  expect((await named()).map((bucket) => bucket.id)).toEqual([engine.get("lost").id]);
  expect((await engine.up("Bucket", "lost", { name: "plugin-lost" })).op).toBe("same");
  await engine.destroy("lost");
  expect(await named()).toHaveLength(0);
});

test("two provider instances with different accounts in one program: each resource goes to its own", async () => {
  const other = await startTestEmulator();
  try {
    const first = await Engine.create(await rig.plugin({ emu }));
    const second = await Engine.create(await rig.plugin({ emu: other }));
    await Promise.all([first.up("Bucket", "a", { name: "account-a" }), second.up("Bucket", "b", { name: "account-b" })]);
    expect((await listAll(emu, "/object-storage/buckets")).map((b) => b.name)).toEqual(["account-a"]);
    expect((await listAll(other, "/object-storage/buckets")).map((b) => b.name)).toEqual(["account-b"]);
    // The same name in both accounts is no conflict: they are different accounts.
    await second.up("Bucket", "a2", { name: "account-a" });
    expect((await api(other, "GET", `/object-storage/buckets/${second.get("a2").id}`)).status).toBe(200);
    await Promise.all([first.destroy("a"), second.destroy("b"), second.destroy("a2")]);
    expect(await listAll(other, "/object-storage/buckets")).toEqual([]);
  } finally {
    await other.close();
  }
});

test("stack config given to the plugin wins over the environment", async () => {
  const wrongEnv = await rig.plugin({
    emu,
    env: cleanEnv({ MAMUTECLOUD_ENDPOINT: "http://127.0.0.1:1", MAMUTECLOUD_API_KEY: "mamute-wrong-key-123" }),
  });
  const envEngine = await Engine.create(wrongEnv);
  await envEngine.up("DnsZone", "z", { domain: "config-wins.example" });
  expect((await listAll(emu, "/dns/zones")).map((z) => z.domain)).toContain("config-wins.example");
  await envEngine.destroy("z");
  expect(stackConfig(emu)["mamutecloud:endpoint"]).toBe(emu.url);
});
