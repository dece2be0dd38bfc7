// Bad input for the StaticSite component: each mistake of the corpus throws a StaticSiteError when
// the program runs (at `pulumi preview`), naming the option and the fix, before any child resource
// is registered, so nothing reaches the provider or the API. The children's own properties are
// refused by their kinds' checks (badInput.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as mamutecloud from "../../sdk";
import { captureRegistrations, registrations, settled } from "../harness/mocks";
import { staticSiteCorpus } from "./badInputCorpus";

let dir: string;

beforeAll(async () => {
  await captureRegistrations();
  dir = mkdtempSync(join(tmpdir(), "site-corpus-"));
  writeFileSync(join(dir, "index.html"), "<h1>x</h1>");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the component has bad-input cases", () => {
  expect(staticSiteCorpus.length).toBeGreaterThanOrEqual(15);
});

test("each StaticSite mistake throws naming the option and the fix; no child registers", async () => {
  const wrong: unknown[] = [];
  staticSiteCorpus.forEach(({ property, args, fix }, i) => {
    const name = `bad-${i}`;
    try {
      new mamutecloud.StaticSite(name, args(dir) as mamutecloud.StaticSiteArgs);
      wrong.push({ property, error: "none thrown" });
    } catch (err) {
      const message = String((err as Error).message);
      const ok =
        err instanceof mamutecloud.StaticSiteError &&
        message.startsWith(`StaticSite ${name}: `) &&
        message.includes(property) &&
        fix.test(message);
      if (!ok) wrong.push({ property, fix: String(fix), message });
    }
  });
  expect(wrong).toEqual([]);
  await settled();
  // Only the components themselves (no provider behind them): no child, so no check, no API call.
  expect(registrations.filter((registration) => registration.type !== "mamutecloud:index:StaticSite")).toEqual([]);
});
