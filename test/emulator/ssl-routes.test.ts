// The new management routes under the emulator's controls: every documented route answers (501
// when it is not emulated, never the 404 a client reads as "gone"), and the SSL and 501 routes are
// authenticated, counted under their route keys and faulted like the others.
import { DOCUMENTED_ROUTES } from "../../emulator/management/documented-routes";
import { expectError, useEmulator } from "./helpers";

const { emu, api } = useEmulator();

/** The README's table of routes that are not emulated, as a user reads it. */
const NOT_EMULATED = [
  "GET /analytics/reports",
  "GET /analytics/stats",
  "GET /billing/account",
  "PUT /billing/account",
  "GET /billing/invoices",
  "GET /billing/usage",
  "POST /files",
  "PATCH /files/{upload_id}",
  "DELETE /files/{upload_id}",
  "POST /object-storage/buckets/{bucketId}/files",
  "PUT /object-storage/buckets/{bucketId}/files/{fileId}",
  "POST /object-storage/buckets/{bucketId}/files/{fileId}/copy",
  "GET /object-storage/buckets/{bucketId}/files/{fileId}/download",
  "GET /object-storage/buckets/{bucketId}/folders",
  "POST /object-storage/buckets/{bucketId}/folders",
  "GET /object-storage/buckets/{bucketId}/folders/{folderId}",
  "PUT /object-storage/buckets/{bucketId}/folders/{folderId}",
  "DELETE /object-storage/buckets/{bucketId}/folders/{folderId}",
  "GET /organization",
  "PUT /organization",
  "GET /organization/profile",
  "PUT /organization/profile",
  "POST /user/change-password",
  "POST /user/mfa/enable",
  "POST /user/mfa/disable",
  "GET /user/profile",
  "PUT /user/profile",
];

function concrete(template: string): string {
  return template.replace(/\{[^}]+\}/g, "x_1");
}

describe("documented routes that are not emulated", () => {
  it.each(NOT_EMULATED)("%s answers 501 naming the route, after authentication", async (route) => {
    const [method, template] = route.split(" ");
    const answer = await api().call(method, concrete(template), { body: method === "GET" ? undefined : {} });
    const error = expectError(answer, 501, "not_implemented");
    expect(error.message).toMatch(
      new RegExp(`^${method} ${template.replace(/[{}/]/g, "\\$&")}(/)? \\(.+\\) is documented but not emulated$`),
    );
    expectError(await api().call(method, concrete(template), { headers: {} }), 401, "unauthorized");
  });

  it("answers every documented route with something other than 'no route' or 'method not allowed'", async () => {
    // The API key routes are left out: they would revoke the key this file authenticates with.
    for (const route of DOCUMENTED_ROUTES.filter((documented) => documented.template !== "/security/apikey")) {
      const answer = await api().call(route.method, concrete(route.template), { body: route.method === "GET" ? undefined : {} });
      expect({ route: `${route.method} ${route.template}`, status: answer.status }).not.toEqual(expect.objectContaining({ status: 405 }));
      if (answer.status === 404)
        expect({ route: `${route.method} ${route.template}`, message: answer.body.error.message }).not.toEqual(
          expect.objectContaining({ message: expect.stringMatching(/^no route/) }),
        );
    }
    expectError(await api().get("/billing/nothing-here"), 404, "not_found");
  });

  it("serves the storage ones under /storage too, and keeps 405 for undocumented methods", async () => {
    expectError(await api().get("/storage/object-storage/buckets/x_1/folders"), 501, "not_implemented");
    expectError(await api().call("DELETE", "/billing/account"), 405, "method_not_allowed");
  });
});

describe("SSL and 501 routes under the emulator's controls", () => {
  afterEach(() => emu().clearFaults());

  it("counts them under their route keys", async () => {
    emu().resetRequests();
    await api().post("/cdn/ssl-certificate", { domain_name: "counted.example" });
    await api().get("/cdn/ssl-certificate/cert_0000000000000000");
    await api().get("/billing/usage");
    await api().call("PATCH", "/files/upload-1");
    expect(emu().requests()).toEqual({
      total: 4,
      throttled: 0,
      routes: {
        "POST /cdn/ssl-certificate": 1,
        "GET /cdn/ssl-certificate/{id}": 1,
        "GET /billing/usage": 1,
        "PATCH /files/{upload_id}": 1,
      },
    });
  });

  it("injects faults on them by route key", async () => {
    emu().setFaults({
      rules: [
        { route: "POST /cdn/ssl-certificate/import", fault: "status", status: 503, times: 1 },
        { route: "POST /cdn/ssl-certificate", fault: "lost_response", times: 1 },
        { route: "GET /organization", fault: "status", status: 429, retryAfter: 2, times: 1 },
      ],
    });
    expectError(await api().post("/cdn/ssl-certificate/import", {}), 503, "service_unavailable");
    expectError(await api().post("/cdn/ssl-certificate/import", {}), 400, "validation_error", "certificate");

    const before = emu().state.certificates.size;
    await expect(api().post("/cdn/ssl-certificate", { domain_name: "lost.example" })).rejects.toThrow();
    expect(emu().state.certificates.size).toBe(before + 1);

    const limited = await api().get("/organization");
    expectError(limited, 429, "rate_limited");
    expect(limited.headers.get("retry-after")).toBe("2");
    expectError(await api().get("/organization"), 501, "not_implemented");
  });
});
