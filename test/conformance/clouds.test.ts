// One conformance suite for every cloud the core serves (clouds.ts): each kind through the cloud's
// native plugin against its emulator must keep the rules the README promises, whatever the cloud.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CheckFailedError } from "../harness/engine";
import { HostCallError, isSecretValue, type Props } from "../harness/providerHost";
import { schemaErrors } from "../harness/metaschema";
import { CLOUDS, type Cloud, type CloudRig, type KindCase } from "./clouds";

/** What a failed step threw: the suite asserts on what the user would read. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the step to fail");
    },
    (err: unknown) => err as Error,
  );

describe.each(CLOUDS)("$name", (cloud: Cloud) => {
  let rig: CloudRig;
  const errors: string[] = [];
  /** Every secret value the stack saw: the API key and each secret output. */
  const canaries = new Set<string>();

  beforeAll(async () => {
    rig = await cloud.start();
    canaries.add(rig.apiKey);
  });

  afterEach(() => rig.clearFaults());

  afterAll(async () => rig?.close());

  /** `up` of every kind in order, each with `change` applied to the one named; the ids by kind. */
  async function upAll(change: { kind?: string; props?: Props } = {}): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    for (const kind of cloud.kinds) {
      const args = { ...kind.args(ids), ...(change.kind === kind.kind ? change.props : {}) };
      await rig.engine.up(kind.kind, kind.kind, args);
      ids[kind.kind] = rig.engine.get(kind.kind).id;
      collectSecrets(rig.engine.get(kind.kind).outputs);
    }
    return ids;
  }

  async function destroyAll(): Promise<void> {
    for (const kind of [...cloud.kinds].reverse()) {
      if (rig.engine.state.has(kind.kind)) await rig.engine.destroy(kind.kind);
    }
  }

  function collectSecrets(outputs: Props): void {
    for (const value of Object.values(outputs)) if (isSecretValue(value) && typeof value.value === "string") canaries.add(value.value);
  }

  const argsOf = (kind: KindCase, ids: Record<string, string>) => kind.args(ids);

  test("up, then refresh, then preview: no change for any kind", async () => {
    const ids = await upAll();
    for (const kind of cloud.kinds) {
      expect(await rig.engine.refresh(kind.kind)).toBe(true);
      expect((await rig.engine.preview(kind.kind, kind.kind, argsOf(kind, ids))).op).toBe("same");
    }
  });

  test("a change updates in place or replaces exactly as schema.json declares", async () => {
    const schema = JSON.parse(fs.readFileSync(cloud.schema, "utf8"));
    const ids = await upAll();
    for (const kind of cloud.kinds) {
      const declared = schema.resources[`${cloud.pkg}:index:${kind.kind}`].inputProperties;
      const replaces = (props: Props) => Object.keys(props).some((key) => declared[key].replaceOnChanges === true);
      if (kind.inPlace) {
        expect(replaces(kind.inPlace)).toBe(false);
        expect((await rig.engine.preview(kind.kind, kind.kind, { ...argsOf(kind, ids), ...kind.inPlace })).op).toBe("update");
      }
      expect(replaces(kind.replacing)).toBe(true);
      expect((await rig.engine.preview(kind.kind, kind.kind, { ...argsOf(kind, ids), ...kind.replacing })).op).toBe("replace");
    }
    // One replacement carried out: the new object made, the old one gone, one left.
    const first = cloud.kinds[0];
    const before = rig.engine.get(first.kind).id;
    await destroyAll();
    await upAll();
    const step = await rig.engine.up(first.kind, first.kind, { ...argsOf(first, {}), ...first.replacing });
    expect(step.op).toBe("replace");
    expect(rig.engine.get(first.kind).id).not.toBe(before === rig.engine.get(first.kind).id ? "" : before);
    expect(await first.count(rig, {}, {})).toBe(1);
    await destroyAll();
  });

  test("refresh drops a resource only when the API says it is gone, never on a failed read", async () => {
    const ids = await upAll();
    for (const kind of cloud.kinds) {
      rig.setFaults({ seed: 1, rules: [{ method: "GET", fault: "status", status: 500, times: 100 }] });
      const failed = await failure(rig.engine.refresh(kind.kind));
      expect(failed).toBeInstanceOf(HostCallError);
      rig.clearFaults();
      expect(rig.engine.state.has(kind.kind)).toBe(true);
    }
    for (const kind of [...cloud.kinds].reverse()) {
      await kind.removeOutOfBand(rig, rig.engine.get(kind.kind).id, ids);
      expect(await rig.engine.refresh(kind.kind)).toBe(false);
      expect(rig.engine.state.has(kind.kind)).toBe(false);
    }
  });

  test("a create whose answer is lost is adopted, exactly once, for every kind", async () => {
    const ids: Record<string, string> = {};
    for (const kind of cloud.kinds) {
      rig.setFaults({ seed: 2, rules: [{ route: kind.createRoute, fault: "lost_response", times: 1 }] });
      expect((await rig.engine.up(kind.kind, kind.kind, kind.args(ids))).op).toBe("create");
      rig.clearFaults();
      ids[kind.kind] = rig.engine.get(kind.kind).id;
      collectSecrets(rig.engine.get(kind.kind).outputs);
      expect(await kind.count(rig, ids, kind.args(ids))).toBe(1);
      expect((await rig.engine.preview(kind.kind, kind.kind, kind.args(ids))).op).toBe("same");
    }
    await destroyAll();
  });

  test("a create whose answer and lookups are lost leaves a trace that refresh adopts, up settles and destroy deletes", async () => {
    const [first] = cloud.kinds;
    const lose = () =>
      rig.setFaults({
        seed: 3,
        rules: [
          { route: first.createRoute, fault: "lost_response", times: 1 },
          { route: first.listRoute, fault: "status", status: 500, times: 20 },
        ],
      });
    for (const settle of ["refresh", "up", "destroy"] as const) {
      lose();
      const failed = await failure(rig.engine.up(first.kind, first.kind, first.args({})));
      errors.push(failed.message);
      expect(failed.message).toMatch(/may exist/);
      expect(rig.engine.get(first.kind).id).toMatch(/^pending:/);
      rig.clearFaults();
      expect(await first.count(rig, {}, {})).toBe(1);
      if (settle === "refresh") {
        expect(await rig.engine.refresh(first.kind)).toBe(true);
        expect(rig.engine.get(first.kind).id).not.toMatch(/^pending:/);
        expect((await rig.engine.preview(first.kind, first.kind, first.args({}))).op).toBe("same");
        await rig.engine.destroy(first.kind);
      } else if (settle === "up") {
        expect((await rig.engine.up(first.kind, first.kind, first.args({}))).op).toBe("replace");
        expect(await first.count(rig, {}, {})).toBe(1);
        await rig.engine.destroy(first.kind);
      } else {
        await rig.engine.destroy(first.kind);
      }
      expect(await first.count(rig, {}, {})).toBe(0);
    }
  });

  test("every kind imports by its id, and the program `pulumi import` writes for it then previews no change", async () => {
    await upAll();
    for (const kind of cloud.kinds) {
      const made = rig.engine.get(kind.kind);
      rig.engine.state.delete(kind.kind);
      // What `pulumi import` writes into the program: the inputs the read by id gave.
      const read = await rig.host.read(kind.kind, kind.kind, made.id, {});
      const written = Object.fromEntries(Object.entries(read.inputs ?? {}).filter(([key]) => !key.startsWith("__")));
      const imported = await rig.engine.import(kind.kind, kind.kind, made.id, written);
      expect(imported.read.id).toBe(made.id);
      expect([kind.kind, imported.diff.changes]).toEqual([kind.kind, "none"]);
    }
    // The engine's state holds the imported objects: destroy deletes them (the children before their parent, which is gone after).
    await destroyAll();
    expect(await cloud.kinds[0].count(rig, {}, {})).toBe(0);
  });

  test("429s finish, with and without Retry-After", async () => {
    const ids: Record<string, string> = {};
    for (const [index, kind] of cloud.kinds.entries()) {
      // The first kind's create is throttled once with a Retry-After, the others twice without one.
      const throttle = index === 0 ? { retryAfter: 1, times: 1 } : { times: 2 };
      rig.setFaults({ seed: 4, rules: [{ route: kind.createRoute, fault: "status", status: 429, ...throttle }] });
      expect((await rig.engine.up(kind.kind, kind.kind, kind.args(ids))).op).toBe("create");
      ids[kind.kind] = rig.engine.get(kind.kind).id;
      collectSecrets(rig.engine.get(kind.kind).outputs);
      expect(await kind.count(rig, ids, kind.args(ids))).toBe(1);
    }
    rig.clearFaults();
    await destroyAll();
  });

  // Only for a cloud with a second host (The Cloud is served by its native plugin alone).
  const withTwoHosts = cloud.dynamicHost ? test : () => undefined;
  withTwoHosts("its hosts plan the same: every kind's diffs through the dynamic host equal the native plugin's", async () => {
    const planned = async (engine: typeof rig.engine) => {
      const plans: unknown[] = [];
      const ids: Record<string, string> = {};
      for (const kind of cloud.kinds) {
        await engine.up(kind.kind, kind.kind, kind.args(ids));
        ids[kind.kind] = engine.get(kind.kind).id;
        for (const change of [{}, kind.inPlace ?? {}, kind.replacing]) {
          const step = await engine.preview(kind.kind, kind.kind, { ...kind.args(ids), ...change });
          plans.push([kind.kind, change, step.op, step.diff?.replaces, step.diff?.deleteBeforeReplace]);
        }
      }
      for (const kind of [...cloud.kinds].reverse()) await engine.destroy(kind.kind);
      return plans;
    };
    const native = await planned(rig.engine);
    const dynamic = await cloud.dynamicHost!(rig);
    try {
      expect(await planned(dynamic.engine)).toEqual(native);
    } finally {
      await dynamic.close();
    }
  });

  // Only for a cloud with storage (Shardlyn has none).
  const withStorage = cloud.storage ? test : () => undefined;
  withStorage("storage: a folder synced sends nothing when nothing changed, and one upload for one changed file", async () => {
    await upAll();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-folder-"));
    try {
      fs.writeFileSync(path.join(dir, "index.html"), "<h1>hello</h1>");
      fs.writeFileSync(path.join(dir, "style.css"), "h1 { color: navy }");
      fs.mkdirSync(path.join(dir, "img"));
      fs.writeFileSync(path.join(dir, "img", "dot.svg"), "<svg/>");
      const args = () => cloud.storage!.args(dir, rig.engine);
      await rig.engine.up("SyncedFolder", "files", args());
      rig.resetRequests();
      expect((await rig.engine.up("SyncedFolder", "files", args())).op).toBe("same");
      expect(rig.requestCounts().total).toBe(0);

      fs.writeFileSync(path.join(dir, "style.css"), "h1 { color: teal }");
      expect((await rig.engine.up("SyncedFolder", "files", args())).op).toBe("update");
      expect(rig.requestCounts().routes[cloud.storage!.uploadRoute]).toBe(1);
      await rig.engine.destroy("files");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await destroyAll();
  });

  test("bad input fails at preview, naming the property, before anything is created", async () => {
    rig.resetRequests();
    const [first] = cloud.kinds;
    const refused = await failure(rig.engine.preview(first.kind, "bad", { ...first.args({}), name: "Not A Valid Name!" }));
    expect(refused).toBeInstanceOf(CheckFailedError);
    expect(refused.message).toMatch(/^check failed: name: /);
    expect(rig.requestCounts().total).toBe(0);
  });

  test("no secret in plain state, log lines, host output or errors", () => {
    expect(canaries.size).toBeGreaterThan(1);
    const plainState = JSON.stringify(
      [...rig.engine.state.values()].map((resource) =>
        Object.fromEntries(Object.entries(resource.outputs).map(([key, value]) => [key, isSecretValue(value) ? "[secret]" : value])),
      ),
    );
    const seen = [plainState, JSON.stringify(rig.logs.lines), rig.host.stderr, rig.host.stdout, ...errors].join("\n");
    for (const canary of canaries) expect(seen.includes(canary)).toBe(false);
  });

  test("its schema.json is valid against Pulumi's package metaschema", () => {
    expect(schemaErrors(JSON.parse(fs.readFileSync(cloud.schema, "utf8")))).toEqual([]);
  });
});
