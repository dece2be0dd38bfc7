// Symbolic links in a site folder: followed within the folder (one more name for a file of the
// site), never out of it. A link out is refused when the program runs (at preview), naming the link
// and where it points, unless include/exclude leave it out. Issue 19.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ManifestError, buildManifest } from "../../provider/sync/manifest";

let work: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-links-"));
  fs.mkdirSync(path.join(work, "site", "css"), { recursive: true });
  fs.mkdirSync(path.join(work, "outside"));
  fs.writeFileSync(path.join(work, "site", "index.html"), "<h1>home</h1>");
  fs.writeFileSync(path.join(work, "site", "css", "style.css"), "body{}");
  fs.writeFileSync(path.join(work, "outside", "secret.env"), "API_KEY=do-not-publish");
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const site = () => path.join(work, "site");
const link = (target: string, name: string) => fs.symlinkSync(target, path.join(site(), name));

test("a link to a file outside the folder is refused, naming the link and its target", () => {
  link("../outside/secret.env", "secret.env");
  expect(() => buildManifest({ path: site() })).toThrow(ManifestError);
  expect(() => buildManifest({ path: site() })).toThrow(
    /"secret\.env" is a symbolic link to "\.\.\/outside\/secret\.env", outside the folder/,
  );
  expect(() => buildManifest({ path: site() })).toThrow(/exclude: \["secret\.env"\]/);
});

test("a link to a folder outside, or an absolute link out, is refused too; so is one reached through a linked-in folder", () => {
  link(path.join(work, "outside"), "more");
  expect(() => buildManifest({ path: site() })).toThrow(
    /"more" is a symbolic link to ".*outside", outside the folder.*exclude: \["more\/\*\*"\]/,
  );
  fs.unlinkSync(path.join(site(), "more"));
  fs.symlinkSync("../../outside/secret.env", path.join(site(), "css", "leak.txt"));
  link("css", "styles");
  expect(() => buildManifest({ path: site() })).toThrow(/"css\/leak\.txt" is a symbolic link/);
});

test("a link out that exclude (or include) leaves out is no concern", () => {
  link("../outside/secret.env", "secret.env");
  link(path.join(work, "outside"), "more");
  const manifest = buildManifest({ path: site(), exclude: ["secret.env", "more/**"] });
  expect(Object.keys(manifest.files).sort()).toEqual(["css/style.css", "index.html"]);
  expect(Object.keys(buildManifest({ path: site(), include: ["**/*.html", "**/*.css"] }).files).sort()).toEqual([
    "css/style.css",
    "index.html",
  ]);
});

test("links within the folder are followed: a file under the link's name with the target's bytes, a folder walked, a loop once", () => {
  link("index.html", "home.html");
  link("css", "styles");
  link(".", "loop");
  const manifest = buildManifest({ path: site() });
  expect(Object.keys(manifest.files).sort()).toEqual(["css/style.css", "home.html", "index.html", "styles/style.css"]);
  expect(manifest.files["home.html"]).toBe(manifest.files["index.html"]);
  // A dangling link is skipped, as a file that does not exist.
  link("missing.html", "gone.html");
  expect(Object.keys(buildManifest({ path: site() }).files)).not.toContain("gone.html");
});

test("a site folder that is itself a link (dist -> build/dist) is walked as the folder it points to", () => {
  fs.symlinkSync(site(), path.join(work, "dist"));
  expect(Object.keys(buildManifest({ path: path.join(work, "dist") }).files).sort()).toEqual(["css/style.css", "index.html"]);
});
