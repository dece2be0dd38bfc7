// The reference's recipes that end at the CDN, as a user follows them with curl: steps 5-6 of the
// static-site recipe (a CDN resource from the bucket, then a friendlier distribution domain after
// checking it is free), and multi-tenant hosting with subdomain routing, each site fetched from the edge.
import { useEmulator } from "./helpers";
import { edgeGet, newSiteBucket } from "./cdn-helpers";

const { emu, api } = useEmulator();

beforeAll(() => emu().setSettings({ cdnDeployDelayMs: 0 }));

it("serves index.html at the generated distribution domain, then at a friendlier one checked free first (steps 5-6)", async () => {
  const site = await newSiteBucket(emu(), api(), "my-site");
  await site.put("index.html", "<h1>Hello MamuteCloud</h1>");

  // Step 5.
  const created = await api().post("/cdn/resource", { name: "my-site", origin_group: { type: "storage", bucket_id: site.id } });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    status: "in_progress",
    distribution_domain: expect.stringMatching(/^r-[0-9a-f]{16}\.mamutecdn\.com$/),
  });
  expect(created.body.origin_groups[0]).toMatchObject({ type: "storage", bucket_id: site.id, default_root_object: "index.html" });
  const id: string = created.body.id;
  expect((await api().get(`/cdn/resource/${id}`)).body.status).toBe("deployed");
  const generated = await edgeGet(emu(), { host: created.body.distribution_domain });
  expect(generated).toMatchObject({ status: 200, body: "<h1>Hello MamuteCloud</h1>" });
  expect(generated.headers["content-type"]).toBe("text/html");

  // Step 6: check first, then take it.
  const check = await api().get("/cdn/resource/check-distribution-name?distribution_name=my-site");
  expect(check.body).toEqual({ distribution_name: "my-site", distribution_domain: "my-site.mamutecdn.com", available: true });
  const renamed = await api().put(`/cdn/resource/${id}`, { distribution_domain: "my-site" });
  expect(renamed.status).toBe(200);
  expect(renamed.body).toMatchObject({ distribution_domain: "my-site.mamutecdn.com", status: "in_progress" });
  expect((await api().get("/cdn/resource/check-distribution-name?distribution_name=my-site")).body).toMatchObject({
    available: false,
    reason: "taken",
  });

  expect(await edgeGet(emu(), { host: "my-site.mamutecdn.com" })).toMatchObject({ status: 200, body: "<h1>Hello MamuteCloud</h1>" });
  // The browser form: *.localhost resolves to loopback, so the site opens at <domain>.localhost.
  expect(await edgeGet(emu(), { host: `my-site.mamutecdn.com.localhost:${new URL(emu().edgeUrl).port}` })).toMatchObject({ status: 200 });
  // The old name is free again and serves nothing.
  expect((await edgeGet(emu(), { host: created.body.distribution_domain })).status).toBe(421);
});

it("serves many tenants from one bucket with subdomain routing turned on by a PUT on the default behavior", async () => {
  const site = await newSiteBucket(emu(), api(), "tenants");
  await site.put("index.html", "root");
  await site.put("abc/index.html", "abc home");
  await site.put("abc/style.css", "abc css", "text/css");
  await site.put("def/index.html", "def home");

  // Not accepted on create, as documented.
  const refused = await api().post("/cdn/resource", {
    name: "tenants",
    origin_group: { type: "storage", bucket_id: site.id },
    behaviors: [{ action: "update", priority: 0, subdomain_routing: true }],
  });
  expect(refused.status).toBe(400);
  expect(refused.body.error.field).toBe("behaviors");

  const created = await api().post("/cdn/resource", { name: "tenants", origin_group: { type: "storage", bucket_id: site.id } });
  expect(created.body.behaviors).toEqual([expect.objectContaining({ priority: 0, subdomain_routing: false })]);
  const id: string = created.body.id;
  const enabled = await api().put(`/cdn/resource/${id}`, { behaviors: [{ action: "update", priority: 0, subdomain_routing: true }] });
  expect(enabled.status).toBe(200);
  expect(enabled.body.behaviors[0]).toMatchObject({ priority: 0, subdomain_routing: true });

  // The wildcard custom domain and the apex, pointed at the distribution (HTTP here; HTTPS needs the wildcard certificate).
  const withDomain = await api().put(`/cdn/resource/${id}`, {
    custom_domains: [{ domain_name: "*.yourdomain.com", additional_domains: ["yourdomain.com"] }],
  });
  expect(withDomain.body.custom_domains).toEqual([
    expect.objectContaining({ domain_name: "*.yourdomain.com", additional_domains: ["yourdomain.com"], status: "pending" }),
  ]);
  const domainId: string = withDomain.body.custom_domains[0].id;
  expect((await edgeGet(emu(), { host: "abc.yourdomain.com" })).status).toBe(421); // pending: not served yet
  expect((await api().post(`/cdn/resource/${id}/custom-domain/${domainId}/activate`)).body.status).toBe("active");

  expect(await edgeGet(emu(), { host: "abc.yourdomain.com", path: "/style.css" })).toMatchObject({ status: 200, body: "abc css" });
  expect(await edgeGet(emu(), { host: "abc.yourdomain.com" })).toMatchObject({ status: 200, body: "abc home" });
  expect(await edgeGet(emu(), { host: "def.yourdomain.com" })).toMatchObject({ status: 200, body: "def home" });
  expect(await edgeGet(emu(), { host: "www.yourdomain.com" })).toMatchObject({ status: 200, body: "root" });
  expect(await edgeGet(emu(), { host: "yourdomain.com" })).toMatchObject({ status: 200, body: "root" });
  expect((await edgeGet(emu(), { host: "ghi.yourdomain.com", path: "/style.css" })).status).toBe(404);
  // Adding a tenant is writing files to a new folder.
  await site.put("ghi/index.html", "ghi home");
  expect(await edgeGet(emu(), { host: "ghi.yourdomain.com" })).toMatchObject({ status: 200, body: "ghi home" });
});
