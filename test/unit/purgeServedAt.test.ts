// A tenant's folder under subdomain routing is cached at its own host: its purges must name that
// host and the path within the folder, or the edge keeps serving the old file.
import { purgePaths } from "../../provider/sync/purge";

test("keys under the served prefix are purged at the base URL, with their folders for index.html", () => {
  const served = { prefix: "acme/", baseUrl: "https://acme.example.com/" };
  expect(purgePaths(["acme/app.css", "acme/index.html", "acme/docs/index.html"], served)).toEqual([
    "https://acme.example.com/",
    "https://acme.example.com/app.css",
    "https://acme.example.com/docs",
    "https://acme.example.com/docs/",
    "https://acme.example.com/docs/index.html",
    "https://acme.example.com/index.html",
  ]);
});

test("keys outside the served prefix (an old prefix) keep their bucket path; without served, nothing changes", () => {
  expect(purgePaths(["old/a b.css"], { prefix: "acme/", baseUrl: "https://acme.example.com/" })).toEqual(["/old/a%20b.css"]);
  expect(purgePaths(["index.html", "docs/index.html"])).toEqual(["/", "/docs", "/docs/", "/docs/index.html", "/index.html"]);
});
