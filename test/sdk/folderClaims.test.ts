// Two folders of one program that would write the same key of a bucket fail when the program runs
// (so at `pulumi preview`), naming both; folders on separate keys do not. Issue 19.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { captureRegistrations, settled } from "../harness/mocks";
import * as mamutecloud from "../../sdk";
import { FolderConflictError, claimResolved } from "../../sdk/folderClaims";

let dir: string;
const credential = { accessKeyId: "MCAK7Q2X9L4M0B8N3V5C", secretAccessKey: "s".repeat(40) };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "folder-claims-"));
  for (const [file, body] of Object.entries({ "a/index.html": "a", "b/index.html": "b", "b/releases/x.txt": "x" })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), body);
  }
  await captureRegistrations();
});

afterAll(async () => {
  await settled();
  fs.rmSync(dir, { recursive: true, force: true });
});

const folder = (name: string, sub: string, bucket: pulumi.Input<string>, prefix?: string) =>
  new mamutecloud.SyncedFolder(name, { bucket, ...credential, path: path.join(dir, sub), prefix });

test("two SyncedFolders writing the same key of one bucket fail at once, naming both and the key", () => {
  folder("claims-first", "a", "bkt_claims_one");
  expect(() => folder("claims-second", "a", "bkt_claims_one", "/")).toThrow(FolderConflictError);
  expect(() => folder("claims-second", "a", "bkt_claims_one")).toThrow(
    /SyncedFolder "claims-second" and SyncedFolder "claims-first" would both write "index\.html" in bucket bkt_claims_one/,
  );
  // Other prefixes, another bucket, or the same resource registered again: no conflict.
  folder("claims-prefixed", "a", "bkt_claims_one", "copy");
  folder("claims-other-bucket", "a", "bkt_claims_two");
  folder("claims-first", "a", "bkt_claims_one");
});

test("the same bucket Output, not known yet: refused when the program runs (a preview knows no id)", () => {
  const bucket = new mamutecloud.Bucket("claims-bucket", {});
  folder("claims-output-a", "b", bucket.id, "site");
  expect(() => folder("claims-output-b", "b", bucket.id, "site/")).toThrow(/would both write "site\/index\.html" in the same bucket/);
});

test("a SiteReleases holds its whole releases/ folder: a SyncedFolder writing under it is refused", () => {
  new mamutecloud.SiteReleases("claims-releases", {
    bucket: "bkt_claims_rel",
    ...credential,
    path: path.join(dir, "a"),
    cdnResourceId: "cdn_1",
  });
  expect(() => folder("claims-into-releases", "b", "bkt_claims_rel")).toThrow(
    /SyncedFolder "claims-into-releases" and SiteReleases "claims-releases" would both write under "releases\/"/,
  );
  expect(
    () =>
      new mamutecloud.SiteReleases("claims-releases-2", {
        bucket: "bkt_claims_rel",
        ...credential,
        path: path.join(dir, "a"),
        cdnResourceId: "cdn_2",
      }),
  ).toThrow(FolderConflictError);
});

test("two bucket Outputs that resolve to one id: the claim made once the id is known fails, naming both", () => {
  // What the bucket input's apply runs for a folder whose bucket was an Output (it throws there, failing the registration).
  claimResolved('SyncedFolder "x"', "bkt_claims_late", undefined, () => [{ key: "index.html" }]);
  expect(() => claimResolved('SyncedFolder "y"', "bkt_claims_late", "/", () => [{ key: "index.html" }])).toThrow(
    /SyncedFolder "y" and SyncedFolder "x" would both write "index\.html" in bucket bkt_claims_late/,
  );
});
