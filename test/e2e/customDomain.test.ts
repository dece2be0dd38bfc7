// examples/custom-domain through the real `pulumi` CLI: certificate requested and validated by its
// DNS record, the custom domain served over HTTPS; an edited page planned as an update of the files.
import { edgeGetTls } from "../emulator/cdn-helpers";
import { exampleLifecycle } from "./harness";

exampleLifecycle({
  example: "custom-domain",
  config: { domain: "example.com" },
  edit: {
    apply: (project) => project.write("www/style.css", "body { margin: 1em; }\n"),
    planned: ["update files"],
  },
  async check(outputs, emu) {
    expect(outputs.url).toBe("https://www.example.com/");
    const page = await edgeGetTls(emu, { host: "www.example.com", path: "/", ca: emu.caCertificatePem });
    expect(page.status).toBe(200);
  },
});
