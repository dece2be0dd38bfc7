// The Cloud's SyncedFolder through its native plugin against its emulator: the contract of a
// synced folder (exact preview, no request when nothing changed, one list and one PUT for one
// changed file, deletes only of what it wrote, multipart with the whole content's SHA-256, a killed
// run resumed without duplicates and its upload aborted, refresh and repair, destroy, secrets) and
// the emulator's dialects that touch objects.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Engine } from "../harness/engine";
import { HostCallError } from "../harness/providerHost";
import { StandInEngine } from "../harness/standInEngine";
import { startTheCloud, startTheCloudPlugin, theCloudApi, type TheCloudRig } from "./harness";
import { decodeFiles } from "../../provider/sync/manifest";
import { manifestChanges } from "../harness/manifestChanges";

const KIND = "SyncedFolder";
const MiB = 1024 * 1024;

let rig: TheCloudRig;
/** The program's folder: the plugin's working directory, with the node_modules its hash cache and journal live in. */
let program: string;

beforeAll(async () => {
  program = fs.mkdtempSync(path.join(os.tmpdir(), "tc-sync-"));
  fs.mkdirSync(path.join(program, "node_modules"));
  rig = await startTheCloud({ cwd: program });
});

afterAll(async () => {
  await rig?.close();
  fs.rmSync(program, { recursive: true, force: true });
});

/** A folder of the program with these files. */
function site(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(program, name);
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
  return dir;
}

async function newBucket(name: string, versioning = false): Promise<string> {
  await rig.engine.up("Bucket", name, { versioning, forceDestroy: true });
  return rig.engine.get(name).id;
}

interface Listed {
  key: string;
  size_bytes: number;
  content_type: string;
  checksum?: string;
}

async function objects(bucket: string): Promise<Listed[]> {
  // Read in the default dialect, whatever the test set: the test's own view of the bucket.
  const dialect = rig.emu.dialect();
  rig.emu.setDialect([]);
  try {
    const { status, body } = await theCloudApi<Listed[]>(rig.emu, "GET", `/storage/${bucket}`);
    expect(status).toBe(200);
    return body;
  } finally {
    rig.emu.setDialect([...dialect]);
  }
}

const keysOf = async (bucket: string) => (await objects(bucket)).map((object) => object.key);

async function bodyOf(bucket: string, key: string): Promise<Buffer> {
  const response = await fetch(`${rig.emu.url}/storage/${bucket}/${key}`, { headers: { "x-api-key": rig.emu.apiKey } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function putObject(bucket: string, key: string, body: string, type = "text/plain"): Promise<void> {
  const response = await fetch(`${rig.emu.url}/storage/${bucket}/${key}`, {
    method: "PUT",
    headers: { "x-api-key": rig.emu.apiKey, "content-type": type },
    body,
  });
  expect(response.status).toBeLessThan(300);
}

const sha256Hex = (body: string | Buffer) => createHash("sha256").update(body).digest("hex");
const routes = () => rig.emu.requestCounts().routes;

describe("SyncedFolder", () => {
  test("exact preview, nothing sent when nothing changed, one list and one PUT for one changed file", async () => {
    const bucket = await newBucket("site-bucket");
    const dir = site("site", {
      "index.html": "<h1>home</h1>",
      "app.css": "body{}",
      "data.json": '{"a":1}',
      "docs/guide.md": "# guide",
    });
    const args = { bucket, path: dir, prefix: "www", contentTypes: { "**/*.md": "text/plain" } };

    const preview = await rig.engine.preview(KIND, "site", args);
    expect(preview.op).toBe("create");
    expect(Object.keys(decodeFiles(preview.check.inputs.files as string)).sort()).toEqual([
      "app.css",
      "data.json",
      "docs/guide.md",
      "index.html",
    ]);
    rig.emu.resetRequests();
    expect((await rig.engine.up(KIND, "site", args)).op).toBe("create");
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 4 });
    const stored = await objects(bucket);
    expect(stored.map((object) => [object.key, object.content_type])).toEqual([
      ["www/app.css", "text/css; charset=utf-8"],
      ["www/data.json", "application/json; charset=utf-8"],
      ["www/docs/guide.md", "text/plain; charset=utf-8"],
      ["www/index.html", "text/html; charset=utf-8"],
    ]);
    // The manifest keeps the SHA-256 the API reports, in base64url.
    const files = decodeFiles(rig.engine.get("site").inputs.files as string);
    expect(files["index.html"]).toBe(
      `${Buffer.from(sha256Hex("<h1>home</h1>"), "hex").toString("base64url")} 13 ${files["index.html"].slice(-6)}`,
    );
    expect(stored.find((object) => object.key === "www/index.html")?.checksum).toBe(sha256Hex("<h1>home</h1>"));
    expect(rig.engine.get("site").outputs.files).toBeUndefined();

    rig.emu.resetRequests();
    expect((await rig.engine.up(KIND, "site", args)).op).toBe("same");
    expect(rig.emu.requestCounts().total).toBe(0);

    // One edited, one added, one removed: the preview names exactly those.
    fs.writeFileSync(path.join(dir, "app.css"), "body{color:red}");
    fs.writeFileSync(path.join(dir, "new.txt"), "new");
    fs.rmSync(path.join(dir, "data.json"));
    const before = rig.engine.get("site");
    const check = await rig.engine.check(KIND, "site", args);
    rig.emu.resetRequests();
    expect(await rig.engine.host.detailedDiff(KIND, "site", before.id, before.outputs, check.inputs, before.inputs)).toEqual({
      files: "UPDATE",
    });
    // The lines of `files` that differ, which `preview --diff` shows.
    expect(manifestChanges(before.inputs.files, check.inputs.files)).toEqual({
      added: ["new.txt"],
      changed: ["app.css"],
      removed: ["data.json"],
    });
    expect(rig.emu.requestCounts().total).toBe(0);
    expect((await rig.engine.up(KIND, "site", args)).op).toBe("update");
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 2, "DELETE /storage/:bucket/*key": 1 });
    expect(await keysOf(bucket)).toEqual(["www/app.css", "www/docs/guide.md", "www/index.html", "www/new.txt"]);
    expect((await bodyOf(bucket, "www/app.css")).toString()).toBe("body{color:red}");

    // One changed file: one list, one upload, nothing else.
    fs.writeFileSync(path.join(dir, "index.html"), "<h1>home, edited</h1>");
    rig.emu.resetRequests();
    expect((await rig.engine.up(KIND, "site", args)).op).toBe("update");
    expect(rig.emu.requestCounts()).toMatchObject({ total: 2, routes: { "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 1 } });

    // A content type changed by a rule: that file goes up again (The Cloud has no route changing a type in place).
    rig.emu.resetRequests();
    await rig.engine.up(KIND, "site", { ...args, contentTypes: { "**/*.md": "text/markdown" } });
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 1 });
    expect((await objects(bucket)).find((object) => object.key === "www/docs/guide.md")?.content_type).toBe("text/markdown; charset=utf-8");

    // A new prefix moves the files in place: each uploaded under it, then the old keys deleted.
    rig.emu.resetRequests();
    const moved = await rig.engine.up(KIND, "site", { ...args, prefix: "v2", contentTypes: { "**/*.md": "text/markdown" } });
    expect(moved.op).toBe("update");
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 4, "DELETE /storage/:bucket/*key": 4 });
    expect(await keysOf(bucket)).toEqual(["v2/app.css", "v2/docs/guide.md", "v2/index.html", "v2/new.txt"]);
    await rig.engine.destroy("site");
    expect(await keysOf(bucket)).toEqual([]);
  });

  test("deletes only what it wrote; refresh sees objects deleted or overwritten and the next up repairs them; destroy", async () => {
    const bucket = await newBucket("owned-bucket");
    const dir = site("owned", { "a.html": "<p>a</p>", "b.css": "b{}", "c.js": "c()" });
    const args = { bucket, path: dir };
    await rig.engine.up(KIND, "owned", args);
    // Another writer's files under the same prefix (the bucket's root).
    await putObject(bucket, "theirs.txt", "not ours");
    await putObject(bucket, "logs/today.log", "not ours either");

    fs.rmSync(path.join(dir, "c.js"));
    rig.emu.resetRequests();
    await rig.engine.up(KIND, "owned", args);
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "DELETE /storage/:bucket/*key": 1 });
    expect(await keysOf(bucket)).toEqual(["a.html", "b.css", "logs/today.log", "theirs.txt"]);

    // Out of band: one deleted, one overwritten with other bytes.
    expect((await theCloudApi(rig.emu, "DELETE", `/storage/${bucket}/a.html`)).status).toBe(204);
    await putObject(bucket, "b.css", "tampered", "text/css; charset=utf-8");
    rig.emu.resetRequests();
    expect(await rig.engine.refresh("owned")).toBe(true);
    expect(routes()).toEqual({ "GET /storage/:bucket": 1 });
    const refreshed = decodeFiles(rig.engine.get("owned").inputs.files as string);
    expect(Object.keys(refreshed)).toEqual(["b.css"]);
    expect(refreshed["b.css"].split(" ")[0]).toBe(Buffer.from(sha256Hex("tampered"), "hex").toString("base64url"));
    const preview = await rig.engine.preview(KIND, "owned", args);
    expect(preview.op).toBe("update");
    rig.emu.resetRequests();
    await rig.engine.up(KIND, "owned", args);
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 2 });
    expect((await bodyOf(bucket, "a.html")).toString()).toBe("<p>a</p>");
    expect((await bodyOf(bucket, "b.css")).toString()).toBe("b{}");
    rig.emu.resetRequests();
    expect((await rig.engine.up(KIND, "owned", args)).op).toBe("same");
    expect(rig.emu.requestCounts().total).toBe(0);

    // Another bucket replaces the folder: the files go up there first, then leave this one.
    const other = await newBucket("owned-bucket-2");
    const replaced = await rig.engine.up(KIND, "owned", { bucket: other, path: dir });
    expect(replaced).toMatchObject({ op: "replace", order: ["create", "delete"] });
    expect(await keysOf(other)).toEqual(["a.html", "b.css"]);
    expect(await keysOf(bucket)).toEqual(["logs/today.log", "theirs.txt"]);

    await rig.engine.destroy("owned");
    expect(await keysOf(other)).toEqual([]);

    // A bucket already gone is gone: the destroy of its folder succeeds.
    const gone = await newBucket("gone-bucket");
    await rig.engine.up(KIND, "gone-files", { bucket: gone, path: dir });
    expect((await theCloudApi(rig.emu, "DELETE", `/storage/buckets/${gone}?force=true`)).status).toBe(204);
    await rig.engine.destroy("gone-files");
  });

  test("a 12 MiB file goes up in 8 MiB parts; a host killed mid-upload, then up again: no duplicate, the upload aborted", async () => {
    const bucket = await newBucket("big-bucket", true);
    const big = Buffer.alloc(12 * MiB);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const files: Record<string, string | Buffer> = { "video.bin": big };
    for (let i = 0; i < 12; i++) files[`page-${String(i).padStart(2, "0")}.html`] = `<p>page ${i}</p>`;
    const dir = site("big", files);
    const args = { bucket, path: dir, concurrency: 2 };

    // The first host dies while the parts are on their way (slowed so the kill lands mid-upload).
    const logs = await StandInEngine.start();
    const victim = await startTheCloudPlugin(rig.emu, logs, { cwd: program });
    const doomed = await Engine.create(victim);
    rig.emu.setFaults({
      rules: [
        { route: "PUT /storage/multipart/upload/:id/parts", fault: "delay", delayMs: 2000 },
        { route: "PUT /storage/:bucket/*key", fault: "delay", delayMs: 100 },
      ],
    });
    rig.emu.resetRequests();
    const run = doomed.up(KIND, "big", args).catch((err: unknown) => err);
    const counted = (route: string) => rig.emu.requestCounts().routes[route] ?? 0;
    for (
      let waited = 0;
      (counted("PUT /storage/multipart/upload/:id/parts") < 1 || counted("PUT /storage/:bucket/*key") < 4) && waited < 15_000;
      waited += 20
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await victim.kill();
    await logs.close();
    expect(await run).toBeInstanceOf(Error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    rig.emu.clearFaults();
    expect(doomed.state.has("big")).toBe(false);
    const unfinished = (await (await fetch(`${rig.emu.url}/_emulator/multipart`)).json()) as { uploads: Array<{ key: string }> };
    expect(unfinished.uploads.map((upload) => upload.key)).toEqual(["video.bin"]);
    const landed = await keysOf(bucket);
    expect(landed.length).toBeGreaterThan(1);
    expect(landed.length).toBeLessThan(13);
    // Meanwhile a page that made it up is deleted locally: the next run knows it wrote it (the
    // journal names its key and bytes), so it does not leave it behind.
    fs.rmSync(path.join(dir, landed[0]));
    delete files[landed[0]];

    // The next run (the same program's folder, a new host): the recorded upload aborted, the pages
    // that landed kept, every file there once.
    const { engine } = rig;
    rig.emu.resetRequests();
    expect((await engine.up(KIND, "big", args)).op).toBe("create");
    expect(routes()).toEqual({
      "DELETE /storage/multipart/abort/:id": 1,
      "GET /storage/:bucket": 1,
      "PUT /storage/:bucket/*key": 12 - landed.length,
      "DELETE /storage/:bucket/*key": 1,
      "POST /storage/multipart/init/:bucket/*key": 1,
      "PUT /storage/multipart/upload/:id/parts": 2,
      "POST /storage/multipart/complete/:id": 1,
    });
    expect(((await (await fetch(`${rig.emu.url}/_emulator/multipart`)).json()) as { uploads: unknown[] }).uploads).toEqual([]);
    const stored = await objects(bucket);
    expect(stored.map((object) => object.key).sort()).toEqual(Object.keys(files).sort());
    expect(stored.find((object) => object.key === "video.bin")).toMatchObject({ size_bytes: 12 * MiB, checksum: sha256Hex(big) });
    expect(sha256Hex(await bodyOf(bucket, "video.bin"))).toBe(sha256Hex(big));
    // One version of each: nothing went up twice.
    for (const key of ["video.bin", landed[1], "page-11.html"]) {
      expect((await theCloudApi<unknown[]>(rig.emu, "GET", `/storage/versions/${bucket}/${key}`)).body).toHaveLength(1);
    }
    rig.emu.resetRequests();
    expect((await engine.up(KIND, "big", args)).op).toBe("same");
    expect(rig.emu.requestCounts().total).toBe(0);
    await engine.destroy("big");
    expect(await keysOf(bucket)).toEqual([]);
  });

  test("a part refused: the upload fails naming the part, and is aborted at once", async () => {
    const bucket = await newBucket("part-bucket");
    const dir = site("part", { "big.bin": Buffer.alloc(9 * MiB, 3) });
    rig.emu.setFaults({ rules: [{ route: "PUT /storage/multipart/upload/:id/parts", fault: "status", status: 400, times: 1 }] });
    rig.emu.resetRequests();
    const failed = await rig.engine.up(KIND, "part", { bucket, path: dir }).catch((err: unknown) => err);
    rig.emu.clearFaults();
    expect((failed as Error).message).toMatch(/upload part \d of "big\.bin" \(upload [0-9a-f-]+\) failed: HTTP 400/);
    expect(routes()["DELETE /storage/multipart/abort/:id"]).toBe(1);
    expect(((await (await fetch(`${rig.emu.url}/_emulator/multipart`)).json()) as { uploads: unknown[] }).uploads).toEqual([]);
    rig.emu.resetRequests();
    await rig.engine.up(KIND, "part", { bucket, path: dir });
    expect(rig.emu.requestCounts().routes["PUT /storage/multipart/upload/:id/parts"]).toBe(2);
    await rig.engine.destroy("part");
  });

  test("a create that fails half-way keeps what landed in the stack; the next up sends only the rest", async () => {
    const bucket = await newBucket("half-bucket");
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`p${String(i).padStart(2, "0")}.html`] = `<p>${i}</p>`;
    const dir = site("half", files);
    const args = { bucket, path: dir, concurrency: 1 };
    // A refusal the client will not retry (400), a few PUTs in.
    rig.emu.setFaults({ seed: 3, rules: [{ route: "PUT /storage/:bucket/*key", fault: "status", status: 400, rate: 0.2 }] });
    const failed = await rig.engine.up(KIND, "half", args).catch((err: unknown) => err);
    rig.emu.clearFaults();
    expect(failed).toBeInstanceOf(HostCallError);
    const landed = (await keysOf(bucket)).length;
    expect(landed).toBeGreaterThan(0);
    expect((failed as Error).message).toMatch(new RegExp(`${landed} of 20 files were uploaded and are kept in the stack`));
    expect(rig.engine.get("half").initErrors?.length).toBe(1);
    rig.emu.resetRequests();
    await rig.engine.up(KIND, "half", args);
    expect(routes()).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 20 - landed });
    expect(await keysOf(bucket)).toEqual(Object.keys(files));
    await rig.engine.destroy("half");
    expect(await keysOf(bucket)).toEqual([]);
  });

  test("the API key never reaches state, logs or errors", async () => {
    const dir = site("secret", { "a.txt": "a" });
    const failed = await rig.engine.up(KIND, "nowhere", { bucket: "no-such-bucket", path: dir }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(HostCallError);
    expect((failed as Error).message).toMatch(/bucket .*no-such-bucket.* not found/i);
    const bucket = await newBucket("secret-bucket");
    await rig.engine.up(KIND, "secret", { bucket, path: dir });
    const everything = JSON.stringify([...rig.engine.state.values()]) + rig.host.stderr + JSON.stringify(rig.logs.lines) + String(failed);
    expect(everything).not.toContain(rig.emu.apiKey);
    expect(everything).not.toContain(rig.emu.apiKey.slice("thecloud_".length));
  });
});

describe("SyncedFolder in the emulator's dialects", () => {
  afterEach(() => rig.emu.setDialect([]));

  test.each([["list-no-checksum"], ["paged-lists"], ["complete-upload"], ["complete-requires-parts"], ["error-text"], ["ok-200"]])(
    "%s",
    async (dialect) => {
      const name = `d-${dialect}`;
      const bucket = await newBucket(name);
      rig.emu.setDialect([dialect]);
      const large = dialect.startsWith("complete");
      const files: Record<string, string | Buffer> = { "a.html": "<p>a</p>", "b.css": "b{}", "c/d.txt": "d" };
      if (large) files["big.bin"] = Buffer.alloc(9 * MiB, 7);
      const dir = site(name, files);
      const args = { bucket, path: dir };
      await rig.engine.up(KIND, name, args);
      expect((await keysOf(bucket)).sort()).toEqual(Object.keys(files).sort());
      if (large) expect((await objects(bucket)).find((object) => object.key === "big.bin")?.checksum).toBe(sha256Hex(files["big.bin"]));

      rig.emu.resetRequests();
      expect((await rig.engine.up(KIND, name, args)).op).toBe("same");
      expect(rig.emu.requestCounts().total).toBe(0);

      // One file changed to another size, one to the same size.
      fs.writeFileSync(path.join(dir, "a.html"), "<p>a, edited</p>");
      fs.writeFileSync(path.join(dir, "b.css"), "B{}");
      rig.emu.resetRequests();
      await rig.engine.up(KIND, name, args);
      const counts = routes();
      expect(counts["PUT /storage/:bucket/*key"]).toBe(2);
      // Without checksums in the list, only the files whose size could not tell are asked (HEAD).
      expect(counts["HEAD /storage/:bucket/*key"]).toBe(dialect === "list-no-checksum" ? Object.keys(files).length - 1 : undefined);
      expect((await bodyOf(bucket, "b.css")).toString()).toBe("B{}");

      expect(await rig.engine.refresh(name)).toBe(true);
      expect((await rig.engine.preview(KIND, name, args)).op).toBe("same");

      if (dialect === "error-text") {
        const refused = await rig.engine.up(KIND, `${name}-x`, { bucket: "no-such-bucket", path: dir }).catch((err: unknown) => err);
        expect((refused as Error).message).toMatch(/not found/i);
      }
      await rig.engine.destroy(name);
      expect(await keysOf(bucket)).toEqual([]);
    },
  );
});
