// Shardlyn's package as `npm run schema` generates it: schema.json valid against Pulumi's package
// metaschema and current, the native SDK current, its build holding the shared core and Shardlyn
// only, and every package its build requires declared.
import * as fs from "node:fs";
import * as path from "node:path";
import { nativeSdkFiles } from "../../provider/nativeSdk";
import { schemaText } from "../../provider/schema";
import { shardlyn } from "../../shardlyn/provider/backend";
import { builtModules, undeclaredPackages } from "../harness/builtPackage";
import { schemaErrors } from "../harness/metaschema";

const root = path.resolve(__dirname, "..", "..");
const folder = path.join(root, "shardlyn");
const pkg = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));

test("shardlyn/schema.json is what `npm run schema` generates, valid against Pulumi's package metaschema", () => {
  const committed = fs.readFileSync(path.join(folder, "schema.json"), "utf8");
  expect(committed).toBe(schemaText(shardlyn, pkg.version));
  expect(schemaErrors(JSON.parse(committed))).toEqual([]);
  const schema = JSON.parse(committed);
  // Zones cannot be created through Shardlyn: a function, not a resource.
  expect(Object.keys(schema.resources).sort()).toEqual([
    "shardlyn:index:ApiToken",
    "shardlyn:index:AutoDnsConfig",
    "shardlyn:index:DnsRecord",
  ]);
  expect(Object.keys(schema.functions)).toEqual(["shardlyn:index:getDnsZone"]);
  expect(schema.resources["shardlyn:index:ApiToken"].properties.token.secret).toBe(true);
  expect(schema.config.variables.token.defaultInfo.environment).toEqual(["SHARDLYN_TOKEN"]);
  expect(schema.config.variables.password.secret).toBe(true);
  expect(schema.config.variables.endpoint.default).toBe("https://api.shardlyn.com");
  const record = schema.resources["shardlyn:index:DnsRecord"].inputProperties;
  const replacing = Object.keys(record).filter((key) => record[key].replaceOnChanges);
  expect(replacing.sort()).toEqual(["credentialId", "name", "nodeId", "type", "zoneId"]);
});

test("the committed shardlyn/sdk/ is what `npm run schema` generates", () => {
  for (const [name, text] of Object.entries(nativeSdkFiles(shardlyn))) {
    expect(`${name}:\n${fs.readFileSync(path.join(folder, "sdk", name), "utf8")}`).toBe(`${name}:\n${text}`);
  }
});

test("the package's build holds the shared core and Shardlyn, nothing of another cloud, and declares what it requires", () => {
  const built = builtModules(folder);
  expect(built.filter((file) => file.startsWith("shardlyn/provider/")).length).toBeGreaterThan(5);
  expect(built.filter((file) => /mamutecloud|thecloud|resources\/cdn|takeover/.test(file) && !file.startsWith("shardlyn/"))).toEqual([]);
  // Of the folder sync, only its error type (the core's "gone" rule knows a vanished bucket).
  expect(
    built.filter((file) => file.startsWith("provider/resources/") || (file.startsWith("provider/sync/") && !file.endsWith("errors.js"))),
  ).toEqual([]);
  expect(undeclaredPackages(folder)).toEqual([]);
});
