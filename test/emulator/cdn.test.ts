// The CDN management routes as a client sees them: the resource and origin group objects, every
// refusal naming its field, the deploy status and its delay, behaviors, custom domains with their
// certificate checks, purges, token auth, and the request counter and faults on the new routes.
import { useEmulator, expectError } from "./helpers";
import { newSiteBucket, newStorageResource } from "./cdn-helpers";
import { TestCa } from "./ssl-helpers";

const { emu, api } = useEmulator();
let bucketId: string;

beforeAll(async () => {
  emu().setSettings({ cdnDeployDelayMs: 0 });
  bucketId = (await newSiteBucket(emu(), api(), "cdn-origin")).id;
});

describe("create, read, list, delete", () => {
  it("answers the documented resource object, with every origin group key present", async () => {
    const created = await api().post("/cdn/resource", {
      name: "shape",
      description: "the shape",
      origin_group: { type: "storage", bucket_id: bucketId, origin_path: "/site/" },
      custom_error_responses: [{ error_code: 404, response_page_path: "/404.html" }],
    });
    expect(created.status).toBe(201);
    const hex = created.body.id.slice("cdn_".length);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^cdn_[0-9a-f]{16}$/),
      name: "shape",
      description: "the shape",
      distribution_domain: `r-${hex}.mamutecdn.com`,
      status: "in_progress",
      origin_group_id: created.body.origin_groups[0].id,
      origin_groups: [
        {
          id: expect.stringMatching(/^og_[0-9a-f]{16}$/),
          resource_id: created.body.id,
          name: "shape-origin",
          type: "storage",
          bucket_id: bucketId,
          origin_path: "/site",
          default_root_object: "index.html",
          hostname: null,
          protocol_policy: null,
          http_port: null,
          https_port: null,
          origin_ssl_protocols: null,
          custom_headers: null,
          connection_attempts: null,
          connection_timeout_seconds: null,
          response_timeout_seconds: null,
          keepalive_timeout_seconds: null,
          created_at: created.body.created_at,
          updated_at: created.body.created_at,
        },
      ],
      behaviors: [
        { priority: 0, path_pattern: "*", cache_ttl_seconds: 86400, viewer_protocol_policy: "allow_all", subdomain_routing: false },
      ],
      custom_error_responses: [{ error_code: 404, response_code: 404, response_page_path: "/404.html", cache_ttl_seconds: 10 }],
      custom_domains: [],
      token_auth: { enabled: false },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: created.body.created_at,
    });
    const read = await api().get(`/cdn/resource/${created.body.id}`);
    expect(read.body).toEqual({ ...created.body, status: "deployed" });
    expect((await api().get(`/cdn/origin-group/${created.body.origin_group_id}`)).body).toEqual(created.body.origin_groups[0]);
    expect((await api().delete(`/cdn/resource/${created.body.id}`)).status).toBe(204);
    expectError(await api().get(`/cdn/resource/${created.body.id}`), 404, "not_found");
    expectError(await api().get(`/cdn/origin-group/${created.body.origin_group_id}`), 404, "not_found");
  });

  it("defaults a custom origin's settings and answers them", async () => {
    const created = await api().post("/cdn/resource", {
      name: "proxied",
      origin_group: { type: "custom", hostname: "Origin.Example.com" },
    });
    expect(created.body.origin_groups[0]).toMatchObject({
      type: "custom",
      bucket_id: null,
      default_root_object: null,
      hostname: "origin.example.com",
      origin_path: "",
      protocol_policy: "match_viewer",
      http_port: 80,
      https_port: 443,
      origin_ssl_protocols: ["TLSv1.2"],
      custom_headers: [],
      connection_attempts: 3,
      connection_timeout_seconds: 10,
      response_timeout_seconds: 30,
      keepalive_timeout_seconds: 5,
    });
  });

  it.each([
    [{}, "name"],
    [{ name: "x" }, "origin_group"],
    [{ name: "-bad", origin_group: { type: "storage", bucket_id: "b" } }, "name"],
    [{ name: "n1", origin_group: "storage" }, "origin_group"],
    [{ name: "n2", origin_group: { bucket_id: "b" } }, "origin_group.type"],
    [{ name: "n3", origin_group: { type: "storage" } }, "origin_group.bucket_id"],
    [{ name: "n4", origin_group: { type: "storage", bucket_id: "b", hostname: "a.com" } }, "origin_group.hostname"],
    [{ name: "n5", origin_group: { type: "custom", hostname: "a.com", bucket_id: "b" } }, "origin_group.bucket_id"],
    [{ name: "n6", origin_group: { type: "custom", hostname: "not a host" } }, "origin_group.hostname"],
    [{ name: "n7", origin_group: { type: "custom", hostname: "a.com", http_port: 0 } }, "origin_group.http_port"],
    [
      { name: "n8", origin_group: { type: "custom", hostname: "a.com", origin_ssl_protocols: ["SSLv3"] } },
      "origin_group.origin_ssl_protocols[0]",
    ],
    [
      { name: "n9", origin_group: { type: "custom", hostname: "a.com", custom_headers: [{ name: "Host", value: "x" }] } },
      "origin_group.custom_headers[0].name",
    ],
    [{ name: "n10", origin_group: { type: "custom", hostname: "a.com", origin_path: "/a/../b" } }, "origin_group.origin_path"],
    [{ name: "n11", origin_group: { type: "custom", hostname: "a.com" }, distribution_domain: "mine" }, "distribution_domain"],
    [{ name: "n12", origin_group: { type: "custom", hostname: "a.com" }, custom_domains: [] }, "custom_domains"],
    [
      { name: "n13", origin_group: { type: "custom", hostname: "a.com" }, custom_error_responses: [{ error_code: 404 }] },
      "custom_error_responses[0].response_page_path",
    ],
  ])("refuses %j naming %s, creating nothing", async (body, field) => {
    const before = (await api().get("/cdn/resource?limit=100")).body.pagination.total;
    expectError(await api().post("/cdn/resource", body), 400, "validation_error", field);
    expect((await api().get("/cdn/resource?limit=100")).body.pagination.total).toBe(before);
  });

  it("answers 404 naming origin_group.bucket_id for a bucket that does not exist, and 409 for a name taken", async () => {
    expectError(
      await api().post("/cdn/resource", { name: "ghost", origin_group: { type: "storage", bucket_id: "bkt_0000000000000000" } }),
      404,
      "not_found",
      "origin_group.bucket_id",
    );
    await newStorageResource(api(), "taken-name", bucketId);
    expectError(
      await api().post("/cdn/resource", { name: "taken-name", origin_group: { type: "storage", bucket_id: bucketId } }),
      409,
      "conflict",
      "name",
    );
  });

  it("lists oldest first, paginated", async () => {
    const first = await api().get("/cdn/resource?limit=1&page=1");
    const total = first.body.pagination.total;
    expect(first.body.pagination).toEqual({ page: 1, limit: 1, total, total_pages: total });
    const all = (await api().get("/cdn/resource?limit=100")).body.data as { created_at: string }[];
    expect(all.map((resource) => resource.created_at)).toEqual([...all.map((resource) => resource.created_at)].sort());
    expect(all[0]).toEqual(first.body.data[0]);
  });
});

describe("distribution domain", () => {
  it("checks names: free, taken, reserved, and malformed (400 naming distribution_name)", async () => {
    const resource = await newStorageResource(api(), "dist-check", bucketId);
    const generatedLabel = resource.distribution_domain.split(".")[0];
    const check = (name: string) => api().get(`/cdn/resource/check-distribution-name?distribution_name=${encodeURIComponent(name)}`);
    expect((await check("Fresh-Name")).body).toEqual({
      distribution_name: "fresh-name",
      distribution_domain: "fresh-name.mamutecdn.com",
      available: true,
    });
    expect((await check(generatedLabel)).body).toMatchObject({ available: false, reason: "reserved" });
    expectError(await check("a"), 400, "validation_error", "distribution_name");
    expectError(await api().get("/cdn/resource/check-distribution-name"), 400, "validation_error", "distribution_name");

    await api().put(`/cdn/resource/${resource.id}`, { distribution_domain: "dist-check.mamutecdn.com" });
    expect((await check("dist-check")).body).toMatchObject({ available: false, reason: "taken" });
    const other = await newStorageResource(api(), "dist-other", bucketId);
    expectError(
      await api().put(`/cdn/resource/${other.id}`, { distribution_domain: "dist-check" }),
      409,
      "conflict",
      "distribution_domain",
    );
    expectError(
      await api().put(`/cdn/resource/${other.id}`, { distribution_domain: generatedLabel }),
      400,
      "validation_error",
      "distribution_domain",
    );
    // A resource takes its own generated name back.
    const back = await api().put(`/cdn/resource/${resource.id}`, { distribution_domain: generatedLabel });
    expect(back.body.distribution_domain).toBe(resource.distribution_domain);
    expect((await check("dist-check")).body.available).toBe(true);
  });
});

describe("deploy status", () => {
  afterEach(() => emu().setSettings({ cdnDeployDelayMs: 0 }));

  it("goes in_progress on a serving change, not on a rename, and is deployed once the delay has passed", async () => {
    const resource = await newStorageResource(api(), "status", bucketId);
    emu().setSettings({ cdnDeployDelayMs: 60_000 });
    expect((await api().get(`/cdn/resource/${resource.id}`)).body.status).toBe("in_progress");
    // The delay in force when the status is read: shortening it finishes the deployment.
    emu().setSettings({ cdnDeployDelayMs: 0 });
    expect((await api().get(`/cdn/resource/${resource.id}`)).body.status).toBe("deployed");

    // With no delay, only the answer to a serving change itself says in_progress.
    const renamed = await api().put(`/cdn/resource/${resource.id}`, { name: "status-renamed", description: "only words" });
    expect(renamed.body).toMatchObject({ name: "status-renamed", description: "only words", status: "deployed" });
    const same = await api().put(`/cdn/resource/${resource.id}`, {
      behaviors: [{ action: "update", priority: 0, cache_ttl_seconds: 86400 }],
    });
    expect(same.body).toMatchObject({ status: "deployed", updated_at: renamed.body.updated_at });
    const changed = await api().put(`/cdn/resource/${resource.id}`, {
      behaviors: [{ action: "update", priority: 0, cache_ttl_seconds: 60 }],
    });
    expect(changed.body.status).toBe("in_progress");
    expect((await api().get(`/cdn/resource/${resource.id}`)).body.status).toBe("deployed");
    // A change made under a long delay stays in progress.
    emu().setSettings({ cdnDeployDelayMs: 60_000 });
    await api().put(`/cdn/resource/${resource.id}`, { custom_error_responses: [{ error_code: 404, response_page_path: "/404.html" }] });
    expect((await api().get(`/cdn/resource/${resource.id}`)).body.status).toBe("in_progress");
  });

  it("is steered at runtime over /_emulator/settings, with field-naming errors", async () => {
    const put = await fetch(`${emu().url}/_emulator/settings`, { method: "PUT", body: JSON.stringify({ cdn_deploy_delay_ms: 1234 }) });
    expect(await put.json()).toEqual({ cdn_deploy_delay_ms: 1234, ssl_validation_delay_ms: emu().settings().sslValidationDelayMs });
    expect(emu().settings().cdnDeployDelayMs).toBe(1234);
    const bad = await fetch(`${emu().url}/_emulator/settings`, { method: "PUT", body: JSON.stringify({ cdn_deploy_delay_ms: -1 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("cdn_deploy_delay_ms");
    expect(() => emu().setSettings({ cdnDeployDelayMs: 1.5 })).toThrow(/cdnDeployDelayMs/);
  });
});

describe("origin group and behaviors", () => {
  it("updates the origin group by its route and through origin_groups; the type cannot change", async () => {
    const resource = await api().post("/cdn/resource", { name: "og", origin_group: { type: "custom", hostname: "a.example.com" } });
    const groupId = resource.body.origin_group_id;
    const updated = await api().put(`/cdn/origin-group/${groupId}`, {
      http_port: 8080,
      custom_headers: [{ name: "X-Secret", value: "s" }],
    });
    expect(updated.body).toMatchObject({ hostname: "a.example.com", http_port: 8080, custom_headers: [{ name: "X-Secret", value: "s" }] });
    expectError(await api().put(`/cdn/origin-group/${groupId}`, { type: "storage" }), 400, "validation_error", "type");
    expectError(await api().put(`/cdn/origin-group/${groupId}`, { bucket_id: bucketId }), 400, "validation_error", "bucket_id");
    const viaResource = await api().put(`/cdn/resource/${resource.body.id}`, { origin_groups: [{ id: groupId, origin_path: "/v2" }] });
    expect(viaResource.body.origin_groups[0]).toMatchObject({ id: groupId, origin_path: "/v2", http_port: 8080 });
    expectError(
      await api().put(`/cdn/resource/${resource.body.id}`, { origin_groups: [{ id: "og_other" }] }),
      400,
      "validation_error",
      "origin_groups[0].id",
    );
    expectError(
      await api().put(`/cdn/resource/${resource.body.id}`, { origin_groups: [{}, {}] }),
      400,
      "validation_error",
      "origin_groups",
    );
    // subdomain routing needs a storage origin.
    expectError(
      await api().put(`/cdn/resource/${resource.body.id}`, { behaviors: [{ action: "update", priority: 0, subdomain_routing: true }] }),
      400,
      "validation_error",
      "behaviors[0].subdomain_routing",
    );
  });

  it("creates, updates and deletes behaviors by priority, all or nothing", async () => {
    const resource = await newStorageResource(api(), "behaviors", bucketId);
    const path = `/cdn/resource/${resource.id}`;
    const created = await api().put(path, {
      behaviors: [
        { action: "create", priority: 2, path_pattern: "/img/*", cache_ttl_seconds: 600 },
        { action: "create", priority: 1, path_pattern: "/api/*", cache_ttl_seconds: 0, viewer_protocol_policy: "https_only" },
      ],
    });
    expect(created.body.behaviors.map((behavior: { priority: number }) => behavior.priority)).toEqual([0, 1, 2]);
    expect(created.body.behaviors[1]).toEqual({
      priority: 1,
      path_pattern: "/api/*",
      cache_ttl_seconds: 0,
      viewer_protocol_policy: "https_only",
      subdomain_routing: false,
    });
    expectError(
      await api().put(path, { behaviors: [{ action: "create", priority: 1, path_pattern: "/x" }] }),
      409,
      "conflict",
      "behaviors[0].priority",
    );
    expectError(
      await api().put(path, { behaviors: [{ action: "delete", priority: 0 }] }),
      400,
      "validation_error",
      "behaviors[0].priority",
    );
    expectError(
      await api().put(path, { behaviors: [{ action: "update", priority: 0, path_pattern: "/x" }] }),
      400,
      "validation_error",
      "behaviors[0].path_pattern",
    );
    expectError(
      await api().put(path, { behaviors: [{ action: "create", priority: 3 }] }),
      400,
      "validation_error",
      "behaviors[0].path_pattern",
    );
    // The second action fails: the first is not applied either.
    expectError(
      await api().put(path, {
        behaviors: [
          { action: "delete", priority: 2 },
          { action: "update", priority: 9, cache_ttl_seconds: 1 },
        ],
      }),
      400,
      "validation_error",
      "behaviors[1].priority",
    );
    expect((await api().get(path)).body.behaviors).toHaveLength(3);
    const deleted = await api().put(path, {
      behaviors: [
        { action: "delete", priority: 2 },
        { action: "update", priority: 1, path_pattern: "/v1/*" },
      ],
    });
    expect(deleted.body.behaviors.map((behavior: { path_pattern: string }) => behavior.path_pattern)).toEqual(["*", "/v1/*"]);
  });
});

describe("custom domains", () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await TestCa.create();
  });

  async function importCertificate(names: string[]): Promise<string> {
    const leaf = await ca.leaf(names);
    const imported = await api().post("/cdn/ssl-certificate/import", {
      certificate: leaf.certificate,
      private_key: leaf.privateKey,
      certificate_chain: ca.certificate,
    });
    if (imported.status !== 201) throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
    return imported.body.id;
  }

  it("gives each an id, pending → active → inactive, and keeps ids through a read-modify-write of the list", async () => {
    const resource = await newStorageResource(api(), "domains", bucketId);
    const path = `/cdn/resource/${resource.id}`;
    const set = await api().put(path, { custom_domains: [{ domain_name: "WWW.Example.org.", additional_domains: ["example.org"] }] });
    expect(set.body.custom_domains).toEqual([
      {
        id: expect.stringMatching(/^cd_[0-9a-f]{16}$/),
        domain_name: "www.example.org",
        additional_domains: ["example.org"],
        certificate_id: null,
        status: "pending",
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    const domainId = set.body.custom_domains[0].id;
    expect((await api().post(`${path}/custom-domain/${domainId}/activate`)).body.status).toBe("active");
    const kept = await api().put(path, {
      custom_domains: [...set.body.custom_domains.map((domain: object) => ({ ...domain })), { domain_name: "blog.example.org" }],
    });
    expect(kept.body.custom_domains.map((domain: { id: string; status: string }) => [domain.id === domainId, domain.status])).toEqual([
      [true, "active"],
      [false, "pending"],
    ]);
    expect((await api().post(`${path}/custom-domain/${domainId}/deactivate`)).body.status).toBe("inactive");
    const updated = await api().put(`${path}/custom-domain/${domainId}`, { additional_domains: [] });
    expect(updated.body).toMatchObject({ id: domainId, domain_name: "www.example.org", additional_domains: [], status: "inactive" });
    // Left out of the list: removed.
    const removed = await api().put(path, { custom_domains: [] });
    expect(removed.body.custom_domains).toEqual([]);
    expectError(await api().post(`${path}/custom-domain/${domainId}/activate`), 404, "not_found");
  });

  it("refuses bad names, names already used, unknown ids and unknown certificates, naming the entry", async () => {
    const resource = await newStorageResource(api(), "domains-bad", bucketId);
    const other = await newStorageResource(api(), "domains-other", bucketId);
    const path = `/cdn/resource/${resource.id}`;
    await api().put(`/cdn/resource/${other.id}`, { custom_domains: [{ domain_name: "used.example.net" }] });
    expectError(
      await api().put(path, { custom_domains: [{ domain_name: "a..b" }] }),
      400,
      "validation_error",
      "custom_domains[0].domain_name",
    );
    expectError(
      await api().put(path, { custom_domains: [{ domain_name: "x.mamutecdn.com" }] }),
      400,
      "validation_error",
      "custom_domains[0].domain_name",
    );
    expectError(
      await api().put(path, { custom_domains: [{ domain_name: "a.example.net", additional_domains: ["b.*.example.net"] }] }),
      400,
      "validation_error",
      "custom_domains[0].additional_domains[0]",
    );
    expectError(
      await api().put(path, { custom_domains: [{ domain_name: "used.example.net" }] }),
      409,
      "conflict",
      "custom_domains[0].domain_name",
    );
    expectError(
      await api().put(path, { custom_domains: [{ domain_name: "a.example.net" }, { domain_name: "a.example.net" }] }),
      400,
      "validation_error",
      "custom_domains[1].domain_name",
    );
    expectError(
      await api().put(path, { custom_domains: [{ id: "cd_0000000000000000", domain_name: "a.example.net" }] }),
      404,
      "not_found",
      "custom_domains[0].id",
    );
    expectError(
      await api().put(path, { custom_domains: [{ domain_name: "a.example.net", certificate_id: "cert_0000000000000000" }] }),
      404,
      "not_found",
      "custom_domains[0].certificate_id",
    );
    expect((await api().get(path)).body.custom_domains).toEqual([]);
  });

  it("activates with a certificate only when it is issued and covers every name (RFC 6125 wildcards), else a 400 saying which", async () => {
    const resource = await newStorageResource(api(), "domains-cert", bucketId);
    const path = `/cdn/resource/${resource.id}`;
    const wildcard = await importCertificate(["*.certs.example"]);
    const requested = await api().post("/cdn/ssl-certificate", { domain_name: "pending.certs.example" });
    expect(requested.body.status).toBe("pending_validation");
    const set = await api().put(path, {
      custom_domains: [
        { domain_name: "a.certs.example", certificate_id: wildcard },
        { domain_name: "a.b.certs.example", certificate_id: wildcard },
        { domain_name: "certs.example", certificate_id: wildcard },
        { domain_name: "pending.certs.example", certificate_id: requested.body.id },
      ],
    });
    const [covered, tooDeep, apex, pending] = set.body.custom_domains.map((domain: { id: string }) => `${path}/custom-domain/${domain.id}`);
    expect((await api().post(`${covered}/activate`)).body.status).toBe("active");
    const deep = expectError(await api().post(`${tooDeep}/activate`), 400, "validation_error", "certificate_id");
    expect(deep.message).toContain("does not cover a.b.certs.example");
    expect(expectError(await api().post(`${apex}/activate`), 400, "validation_error", "certificate_id").message).toContain(
      "does not cover certs.example",
    );
    expect(expectError(await api().post(`${pending}/activate`), 400, "validation_error", "certificate_id").message).toContain(
      "pending_validation",
    );
    // An active domain cannot be moved out of its certificate's cover.
    expectError(await api().put(`${covered}`, { domain_name: "other.example" }), 400, "validation_error", "certificate_id");
    // A certificate in use cannot be deleted.
    expectError(await api().delete(`/cdn/ssl-certificate/${wildcard}`), 409, "conflict");
  });
});

describe("purge and token auth", () => {
  it("records purges newest first with what they asked for, and refuses hosts that are not the resource's", async () => {
    const resource = await newStorageResource(api(), "purges", bucketId);
    const base = `/cdn/resource/${resource.id}/purge`;
    const all = await api().post(`${base}/all`);
    expect(all.status).toBe(201);
    expect(all.body).toEqual({
      id: expect.stringMatching(/^prg_[0-9a-f]{16}$/),
      resource_id: resource.id,
      type: "all",
      urls: null,
      patterns: null,
      status: "completed",
      evicted: 0,
      created_at: expect.any(String),
      completed_at: all.body.created_at,
    });
    const byUrl = await api().post(`${base}/url`, { urls: ["/a.css", `https://${resource.distribution_domain}/b.css`] });
    expect(byUrl.body).toMatchObject({ type: "url", urls: ["/a.css", `https://${resource.distribution_domain}/b.css`] });
    const byPattern = await api().post(`${base}/pattern`, { patterns: ["/img/*"] });
    expect(byPattern.body).toMatchObject({ type: "pattern", patterns: ["/img/*"], urls: null });
    const history = await api().get(`${base}/history`);
    expect(history.body.data.map((purge: { id: string }) => purge.id)).toEqual([byPattern.body.id, byUrl.body.id, all.body.id]);
    expectError(await api().post(`${base}/url`, { urls: ["https://elsewhere.example/a"] }), 400, "validation_error", "urls[0]");
    expectError(await api().post(`${base}/url`, { urls: [] }), 400, "validation_error", "urls");
    expectError(await api().post(`${base}/pattern`, { patterns: ["img/*"] }), 400, "validation_error", "patterns[0]");
  });

  it("enables token auth (both documented paths), signs URLs only while enabled, and disables it", async () => {
    const resource = await newStorageResource(api(), "tokens", bucketId);
    const sign = (body: object) => api().post(`/cdn/resource/${resource.id}/signed-url`, body);
    const url = `https://${resource.distribution_domain}/private/a.pdf`;
    expectError(await sign({ url }), 409, "conflict");
    const enabled = await api().post(`/resource/${resource.id}/token-auth/enable`);
    expect(enabled.body).toMatchObject({ id: resource.id, token_auth: { enabled: true }, status: "in_progress" });
    expect((await api().post(`/cdn/resource/${resource.id}/token-auth/enable`)).body.token_auth).toEqual({ enabled: true });
    const signed = await sign({ url, expires_in: 60 });
    expect(signed.status).toBe(200);
    const signedUrl = new URL(signed.body.signed_url);
    expect(signedUrl.origin + signedUrl.pathname).toBe(url);
    expect(Number(signedUrl.searchParams.get("expires")) * 1000).toBe(Date.parse(signed.body.expires_at));
    expect(signedUrl.searchParams.get("token")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expectError(await sign({ url: "https://elsewhere.example/a" }), 400, "validation_error", "url");
    expectError(await sign({ url, expires_in: 0 }), 400, "validation_error", "expires_in");
    expectError(await sign({}), 400, "validation_error", "url");
    expect((await api().post(`/cdn/resource/${resource.id}/token-auth/disable`)).body.token_auth).toEqual({ enabled: false });
  });
});

describe("request counter and faults", () => {
  it("counts the CDN routes by their documented templates and injects faults on them", async () => {
    const resource = await newStorageResource(api(), "counted", bucketId);
    emu().resetRequests();
    await api().get(`/cdn/resource/${resource.id}`);
    await api().post(`/cdn/resource/${resource.id}/purge/all`);
    await api().post(`/resource/${resource.id}/token-auth/enable`);
    await api().get("/cdn/resource/check-distribution-name?distribution_name=free-name");
    expect(emu().requests().routes).toEqual({
      "GET /cdn/resource/{id}": 1,
      "POST /cdn/resource/{id}/purge/all": 1,
      "POST /resource/{resource_id}/token-auth/enable": 1,
      "GET /cdn/resource/check-distribution-name": 1,
    });

    emu().setFaults({ rules: [{ route: "PUT /cdn/resource/{id}", fault: "status", status: 503, times: 1 }] });
    try {
      expectError(await api().put(`/cdn/resource/${resource.id}`, { description: "x" }), 503, "service_unavailable");
      expect((await api().get(`/cdn/resource/${resource.id}`)).body.description).toBe("");
      expect((await api().put(`/cdn/resource/${resource.id}`, { description: "x" })).body.description).toBe("x");

      // A lost response: the resource exists although the client never heard of it.
      emu().setFaults({ rules: [{ route: "POST /cdn/resource", fault: "lost_response", times: 1 }] });
      await expect(api().post("/cdn/resource", { name: "lost", origin_group: { type: "storage", bucket_id: bucketId } })).rejects.toThrow();
      const names = (await api().get("/cdn/resource?limit=100")).body.data.map((item: { name: string }) => item.name);
      expect(names).toContain("lost");
    } finally {
      emu().clearFaults();
    }
  });
});
