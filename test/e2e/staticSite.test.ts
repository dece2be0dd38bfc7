// examples/static-site through the real `pulumi` CLI: the site served at the distribution domain,
// an edited stylesheet planned as an update of the files alone and served after `up`.
import { browse, edgeGet } from "../emulator/cdn-helpers";
import { exampleLifecycle } from "./harness";

exampleLifecycle({
  example: "static-site",
  edit: {
    apply: (project) => project.write("www/style.css", "h1 { color: teal; }\n"),
    planned: ["update site-files"],
  },
  async check(outputs, emu) {
    const home = await edgeGet(emu, { host: outputs.distributionDomain, path: "/" });
    expect(home.status).toBe(200);
    expect(home.body).toContain("<h1>Hello from MamuteCloud</h1>");
    // The url opens on this machine: the emulator edge's `.localhost` address, over HTTP, and over
    // HTTPS at the same name with the emulator's CA trusted.
    expect(outputs.url).toBe(`http://${outputs.distributionDomain}.localhost:${new URL(emu.edgeUrl).port}/`);
    expect((await browse(outputs.url)).body).toContain("<h1>Hello from MamuteCloud</h1>");
    const https = `https://${outputs.distributionDomain}.localhost:${new URL(emu.edgeHttpsUrl).port}/`;
    expect((await browse(https, { ca: emu.caCertificatePem })).body).toContain("<h1>Hello from MamuteCloud</h1>");
  },
});
