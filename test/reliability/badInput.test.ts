// Bad input, across every resource kind: each case of the corpus is refused at `check` (what
// `pulumi preview` runs) with a failure naming the property and a reason that says the rule or the
// fix, the valid input it was built on passes, and the emulator sees no request at all.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definitions } from "../../provider/resources";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { manifestInputs } from "../../provider/sync/manifest";
import { TestCa } from "../harness/testCertificates";
import { corpus, type Fixture } from "./badInputCorpus";

let lifecycle: Lifecycle;
let fixture: Fixture;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  const ca = await TestCa.root();
  const server = await ca.server(["www.corpus.example"]);
  const siteDir = mkdtempSync(join(tmpdir(), "corpus-"));
  writeFileSync(join(siteDir, "index.html"), "");
  fixture = {
    certificatePem: server.certificatePem,
    privateKeyPem: server.privateKeyPem,
    siteDir,
    manifest: manifestInputs({ path: siteDir }),
  };
});

afterAll(async () => {
  await lifecycle?.close();
  if (fixture) rmSync(fixture.siteDir, { recursive: true, force: true });
});

test("every registered kind has bad-input cases, at least 150 in all", () => {
  const kinds = definitions.map((definition) => definition.kind);
  expect(kinds.filter((kind) => !corpus[kind]?.bad.length)).toEqual([]);
  expect(Object.values(corpus).reduce((sum, kind) => sum + kind.bad.length, 0)).toBeGreaterThanOrEqual(150);
});

test.each(Object.keys(corpus))("%s: each bad input fails check naming the property and the fix; no API call", async (kind) => {
  const { engine, emu } = lifecycle;
  emu.resetRequests();
  const valid = corpus[kind].valid(fixture);
  expect((await engine.check(kind, "corpus", valid)).failures).toEqual([]);
  const wrong: unknown[] = [];
  for (const { property, change, fix } of corpus[kind].bad) {
    const changed = change(fixture);
    const { failures } = await engine.check(kind, "corpus", { ...valid, ...changed });
    const named = failures.filter((failure) => failure.property === property);
    if (!named.length || !named.some((failure) => fix.test(failure.reason))) {
      wrong.push({ property, value: changed[property], fix: String(fix), failures });
    }
  }
  expect(wrong).toEqual([]);
  expect(emu.requests().total).toBe(0);
});
