// The Cloud's package as `npm run schema` generates it: schema.json valid against Pulumi's package
// metaschema and current, the native SDK current, and the core it is built from naming no cloud.
import * as fs from "node:fs";
import * as path from "node:path";
import { nativeSdkFiles } from "../../provider/nativeSdk";
import { schemaText } from "../../provider/schema";
import { walkList } from "../../provider/client/list";
import { thecloud } from "../../thecloud/provider/backend";
import { theCloudDialect } from "../../thecloud/provider/dialect";
import { builtModules, undeclaredPackages } from "../harness/builtPackage";
import { schemaErrors } from "../harness/metaschema";

const root = path.resolve(__dirname, "..", "..");
const folder = path.join(root, "thecloud");
const { version } = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));

test("thecloud/schema.json is what `npm run schema` generates, and valid against Pulumi's package metaschema", () => {
  const committed = fs.readFileSync(path.join(folder, "schema.json"), "utf8");
  expect(committed).toBe(schemaText(thecloud, version));
  expect(schemaErrors(JSON.parse(committed))).toEqual([]);
  const schema = JSON.parse(committed);
  expect(Object.keys(schema.resources).sort()).toEqual([
    "thecloud:index:ApiKey",
    "thecloud:index:Bucket",
    "thecloud:index:BucketLifecycleRule",
    "thecloud:index:SyncedFolder",
  ]);
  expect(schema.resources["thecloud:index:ApiKey"].properties.key.secret).toBe(true);
  expect(Object.keys(schema.config.variables)).toEqual(expect.arrayContaining(["apiKey", "endpoint"]));
  expect(schema.config.variables.apiKey.defaultInfo.environment).toEqual(["THECLOUD_API_KEY"]);
});

test("the committed thecloud/sdk/ is what `npm run schema` generates", () => {
  for (const [name, text] of Object.entries(nativeSdkFiles(thecloud))) {
    expect(`${name}:\n${fs.readFileSync(path.join(folder, "sdk", name), "utf8")}`).toBe(`${name}:\n${text}`);
  }
});

test("the package's build holds the shared core and The Cloud, nothing of MamuteCloud, and declares what it requires", () => {
  const built = builtModules(folder);
  expect(built.filter((file) => file.startsWith("thecloud/provider/")).length).toBeGreaterThan(5);
  expect(built.filter((file) => /mamutecloud|resources\/cdn|takeover/.test(file) && !file.startsWith("thecloud/"))).toEqual([]);
  expect(built.filter((file) => file.startsWith("provider/resources/"))).toEqual([]);
  expect(undeclaredPackages(folder)).toEqual([]);
});

describe("lists as The Cloud may answer them", () => {
  const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `k${from + i}` }));
  const walk = (answer: (query: Record<string, string | number | undefined>) => unknown) => {
    const asked: Array<Record<string, string | number | undefined>> = [];
    return {
      asked,
      items: walkList({
        dialect: theCloudDialect,
        idOf: (item) => (item as { id: string }).id,
        notAList: (detail) => new Error(detail),
        fetchPage: async (query) => {
          asked.push(query);
          return answer(query);
        },
      }),
    };
  };

  test("a bare array is the whole list, read with one request", async () => {
    const w = walk(() => keys(3));
    expect(await w.items).toHaveLength(3);
    expect(w.asked).toHaveLength(1);
  });

  test("pages with a next_cursor are followed to the one without", async () => {
    const w = walk((query) =>
      query.cursor === undefined
        ? { data: keys(2), next_cursor: "c2" }
        : query.cursor === "c2"
          ? { data: keys(2, 2), next_cursor: "c3" }
          : { data: keys(1, 4), next_cursor: null },
    );
    expect((await w.items).map((item) => (item as { id: string }).id)).toEqual(["k0", "k1", "k2", "k3", "k4"]);
    expect(w.asked.map((query) => query.cursor)).toEqual([undefined, "c2", "c3"]);
  });
});
