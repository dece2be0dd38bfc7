// examples/imported-certificate through the real `pulumi` CLI, with the certificate its README makes
// with openssl: www.example.com served over HTTPS with exactly that certificate; an edited page
// planned as an update of the files alone.
import * as fs from "node:fs";
import * as path from "node:path";
import { browse, edgeGetTls } from "../emulator/cdn-helpers";
import { exampleLifecycle, makeCertificate } from "./harness";

exampleLifecycle({
  example: "imported-certificate",
  prepare: (project) => makeCertificate(project),
  edit: {
    apply: (project) => project.write("www/style.css", "body { margin: 0; }\n"),
    planned: ["update site-files"],
  },
  canaries: (_outputs, project) => [fs.readFileSync(path.join(project.dir, "certs", "site.key"), "utf8")],
  async check(outputs, emu, project) {
    // The url opens on this machine: the emulator's edge at www.example.com.localhost.
    expect(outputs.url).toBe(`http://www.example.com.localhost:${new URL(emu.edgeUrl).port}/`);
    expect((await browse(outputs.url)).status).toBe(200);
    const ca = fs.readFileSync(path.join(project.dir, "certs", "site.crt"), "utf8");
    const page = await edgeGetTls(emu, { host: "www.example.com", path: "/", ca });
    expect(page.status).toBe(200);
  },
});
