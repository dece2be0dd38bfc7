// examples/python through the real CLI: the Python host runs __main__.py in the example's virtualenv,
// made as its README says (python3 -m venv venv; pip install -r requirements.txt, which installs
// `pulumi` from PyPI and the generated SDK from sdk/python).
import * as path from "node:path";
import { explicitLifecycle, runIn } from "./explicit";

explicitLifecycle({
  example: "python",
  program: "__main__.py",
  async prepare(project) {
    await runIn(project.dir, "python3", ["-m", "venv", "venv"]);
    await runIn(project.dir, path.join(project.dir, "venv", "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"]);
  },
});
