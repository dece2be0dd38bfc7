// The sites in a real browser: Debian's headless Chromium, started here with a profile that trusts
// the emulator's CA (an NSS database made with certutil, as a user trusts it). Over HTTPS at the
// emulator edge's `.localhost` names, the static-site example is opened, its stylesheet edited,
// `pulumi up` run, and a plain reload in the same profile shows the new style (what a returning
// visitor sees, not a fresh cache); the same for a tenant's host of the multi-tenant example, and a
// request for a tenant's file under the root site's host is refused. Without Chromium this fails,
// saying what to install: it never skips.
import { Browser, type Tab } from "../harness/browser";
import { useCliProject } from "./harness";

/** The computed colour of the page's first h1, as the browser renders it. */
const h1Color = (tab: Tab) => tab.evaluate<string>("getComputedStyle(document.querySelector('h1')).color");

describe("static-site example", () => {
  const fixture = useCliProject("static-site");
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  test("over HTTPS with the emulator's CA trusted: an edited stylesheet shows on a plain reload after up", async () => {
    const { emu, project } = fixture;
    // Endpoint and key only, as the README configures it.
    project.env.MAMUTECLOUD_S3_ENDPOINT = "";
    await project.up();
    const { url, distributionDomain } = await project.outputs();
    expect(url).toBe(`http://${distributionDomain}.localhost:${new URL(emu.edgeUrl).port}/`);
    const https = `https://${distributionDomain}.localhost:${new URL(emu.edgeHttpsUrl).port}/`;

    browser = await Browser.start(emu.caCertificatePem);
    const tab = await browser.tab();
    // The exported url opens as it is (HTTP).
    await tab.open(url);
    expect(await tab.evaluate("document.querySelector('h1').textContent")).toBe("Hello from MamuteCloud");
    // Over HTTPS: the certificate verifies against the trusted CA, or the navigation fails.
    await tab.open(https);
    expect(await tab.evaluate("location.protocol")).toBe("https:");
    expect(await h1Color(tab)).toBe("rgb(122, 75, 30)"); // #7a4b1e

    project.write("www/style.css", "h1 { color: rgb(0, 128, 128); }\n");
    await project.up();
    await tab.reload();
    expect(await h1Color(tab)).toBe("rgb(0, 128, 128)");

    await project.destroy();
  });
});

describe("multi-tenant example", () => {
  const fixture = useCliProject("multi-tenant", ({ project }) => project.config({ domain: "example.com" }));
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  test("a tenant's host over HTTPS shows its edited stylesheet on a plain reload; its files are refused under the root host", async () => {
    const { emu, project } = fixture;
    await project.up();
    const { url, tenantUrls } = await project.outputs();
    const edge = new URL(emu.edgeUrl).port;
    expect(url).toBe(`http://www.example.com.localhost:${edge}/`);
    expect(tenantUrls.acme).toBe(`http://acme.example.com.localhost:${edge}/`);
    const port = new URL(emu.edgeHttpsUrl).port;

    browser = await Browser.start(emu.caCertificatePem);
    const tab = await browser.tab();
    await tab.open(`https://acme.example.com.localhost:${port}/`);
    expect(await tab.evaluate("document.title")).toBe("Acme");
    expect(await h1Color(tab)).toBe("rgb(176, 58, 46)"); // #b03a2e

    project.write("tenants/acme/style.css", "h1 { color: rgb(0, 100, 0); }\n");
    await project.up();
    await tab.reload();
    expect(await h1Color(tab)).toBe("rgb(0, 100, 0)");

    // The root site's origin: acme's files are not there, whichever way they are asked for.
    const root = await browser.tab();
    await root.open(`https://www.example.com.localhost:${port}/`);
    expect(await root.evaluate("location.host")).toBe(`www.example.com.localhost:${port}`);
    for (const file of ["/acme/style.css", "/acme/", "/acme/index.html", "/globex/index.html"]) {
      const answer = await root.evaluate<{ status: number; body: string }>(
        `fetch(${JSON.stringify(file)}, { cache: "no-store" }).then(async (r) => ({ status: r.status, body: await r.text() }))`,
      );
      expect([file, answer.status]).toEqual([file, 404]);
      expect(answer.body).not.toContain("rgb(0, 100, 0)");
      expect(answer.body).not.toContain("<h1>Acme</h1>");
    }
    // Opened in the address bar, it is a 404 page, not acme's.
    await root.open(`https://www.example.com.localhost:${port}/acme/index.html`);
    expect(await root.evaluate("document.title")).not.toBe("Acme");

    await project.destroy();
  });
});
