// The upgrade test published providers run: a checkpoint written by this package's main through the
// real CLI (test/fixtures/state/, `pulumi stack export` after `up` of the example, with the stack's
// passphrase salt) is imported into a fresh stack, and the current code previews no change for it
// but the ones an upgrade means to make (INTENDED).
// A change that makes old state diff (a renamed output, a new default, a changed canonical form)
// fails here before it reaches a user's stack. Refresh the fixtures only on purpose, with the
// commands in test/fixtures/state/README.md.
import * as fs from "node:fs";
import * as path from "node:path";
import { startTestEmulator, type Emulator } from "../harness/emulator";
import { CliProject } from "../harness/cli";
import { REPO_ROOT } from "../harness/providerHost";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "state");

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu?.close());

/**
 * What an upgrade is meant to change in each checkpoint, and why; anything else is a regression.
 * The cache defaults of 0.1 (every file not fingerprinted revalidated by browsers) change each such
 * file's Cache-Control once: one in-place update of the files, nothing replaced.
 */
const INTENDED: Record<string, string[]> = {
  basic: [],
  "static-site": ["update site-files"],
};

test.each(Object.keys(INTENDED))(
  "a checkpoint of examples/%s written by an earlier main previews only the changes an upgrade intends",
  async (example) => {
    const project = await CliProject.create({ source: example, emu, stack: "upgrade" });
    try {
      fs.copyFileSync(path.join(FIXTURES, `${example}.Pulumi.upgrade.yaml`), path.join(project.dir, "Pulumi.upgrade.yaml"));
      await project.run(["stack", "import", "--file", path.join(FIXTURES, `${example}.json`), "--stack", "upgrade"]);
      const imported = await project.resources();
      expect(imported.length).toBeGreaterThan(3);
      expect((await project.preview()).changed).toEqual(INTENDED[example]);
      if (!INTENDED[example].length) await project.expectNoChanges();
    } finally {
      project.close();
    }
  },
  180_000,
);
