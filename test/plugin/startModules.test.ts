// The native plugin starts lean (issue 21): what its start loads, counted in a fresh node the way
// the engine starts it (require the server module of dist/, as main.js does), and what the first
// resource request adds.
//
// Measured on a loaded 2-core machine (load average 13), `require("./dist/provider/plugin/server")`:
//   before (all of @pulumi/pulumi at start):                 2693 module loads, 0.62 CPU s
//   lazy @pulumi/pulumi, definitions loaded at start:         225 modules in require.cache (752 loads), 0.18–0.23 CPU s
//   definitions, handlers, client and schema lazy (now):       85 modules in require.cache (351 loads), 0.07–0.10 CPU s
// of which gRPC 65, google-protobuf 4, @pulumi/pulumi's proto stubs 7, our own 7 (server, wire,
// config, progress, redact, version, unknown) and one for the loader. The budget leaves ~25%
// headroom for a gRPC upgrade; a definition or zod loaded at start again blows it (zod alone is 95).
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const BUDGET = 110;

/** Modules in require.cache after `script` runs in a fresh node, by path relative to the repo. */
function loadedAfter(script: string): string[] {
  const program = `${script}; process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const out = execFileSync(process.execPath, ["-e", program], { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
  return (JSON.parse(out) as string[]).map((file) => file.slice(ROOT.length + 1));
}

describe("native plugin start", () => {
  const server = JSON.stringify(join(ROOT, "dist", "provider", "plugin", "server.js"));

  it(`loads at most ${BUDGET} modules: the gRPC stubs and configuration, no definitions, zod or @pulumi/pulumi beyond proto/`, () => {
    const loaded = loadedAfter(`require(${server})`);
    expect(loaded.length).toBeLessThanOrEqual(BUDGET);
    const pulumi = loaded.filter((file) => file.includes("node_modules/@pulumi/pulumi/"));
    expect(pulumi.filter((file) => !file.includes("node_modules/@pulumi/pulumi/proto/"))).toEqual([]);
    expect(loaded.filter((file) => /node_modules\/(zod|undici|picomatch|async-lock|@aws-sdk)\//.test(file))).toEqual([]);
    expect(loaded.filter((file) => file.startsWith("dist/provider/resources/") || file.startsWith("dist/provider/client/"))).toEqual([]);
  });

  it("loads the definitions on the first request that needs them, and answers it", () => {
    // CheckConfig needs no definition; Check of a resource loads them and validates as before.
    const script = `
      const provproto = require("@pulumi/pulumi/proto/provider_pb");
      const { ProviderPlugin } = require(${server});
      const { mamutecloud } = require(${JSON.stringify(join(ROOT, "dist", "provider", "mamutecloud", "backend.js"))});
      const { toStruct } = require(${JSON.stringify(join(ROOT, "dist", "provider", "plugin", "wire.js"))});
      const service = new ProviderPlugin(mamutecloud, undefined, {}).service();
      const call = (name, request) => new Promise((resolve, reject) =>
        service[name]({ request }, (err, response) => (err ? reject(err) : resolve(response))));
      const before = Object.keys(require.cache).length;
      (async () => {
        const config = new provproto.CheckRequest().setNews(toStruct({ apiKey: "k", endpoint: "http://127.0.0.1:1" }));
        await call("checkConfig", config);
        const afterConfig = Object.keys(require.cache).length;
        const check = new provproto.CheckRequest()
          .setUrn("urn:pulumi:dev::p::mamutecloud:index:Bucket::b")
          .setType("mamutecloud:index:Bucket")
          .setNews(toStruct({ name: "not a valid bucket name!" }));
        const checked = await call("check", check);
        const afterCheck = Object.keys(require.cache).length;
        process.stdout.write(JSON.stringify({ before, afterConfig, afterCheck, failures: checked.getFailuresList().length }));
        process.exit(0);
      })().catch((err) => { console.error(err); process.exit(1); });
    `;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } });
    const counts = JSON.parse(out) as { before: number; afterConfig: number; afterCheck: number; failures: number };
    expect(counts.afterConfig).toBe(counts.before);
    expect(counts.afterCheck).toBeGreaterThan(counts.before + 50);
    expect(counts.failures).toBeGreaterThan(0);
  });
});
