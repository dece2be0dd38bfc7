// The canonical forms CdnResource and CdnCustomDomain give their inputs at check: what the API
// answers for the same values, so that a refresh is followed by no diff.
import { checkInputs, diffInputs } from "../../provider/resource";
import { cdnResource } from "../../provider/resources/cdnResource";
import { cdnCustomDomain } from "../../provider/resources/cdnCustomDomain";

const storage = { storageOrigin: { bucketId: "bkt_0123456789abcdef" } };

test("custom origin: policy spellings, TLS versions in the API's order, defaults filled", () => {
  const { inputs, failures } = checkInputs(
    cdnResource,
    {},
    {
      name: "site",
      customOrigin: {
        hostname: "Origin.Example.COM.",
        protocolPolicy: "HTTPS-Only",
        originSslProtocols: ["tlsv1.3", "TLSv1.2", "TLSv1.3"],
        originPath: "/app/",
      },
    },
  );
  expect(failures).toEqual([]);
  expect(inputs.customOrigin).toEqual({
    hostname: "origin.example.com",
    originPath: "/app",
    protocolPolicy: "https_only",
    httpPort: 80,
    httpsPort: 443,
    originSslProtocols: ["TLSv1.2", "TLSv1.3"],
    customHeaders: [],
    connectionAttempts: 3,
    connectionTimeoutSeconds: 10,
    responseTimeoutSeconds: 30,
    keepaliveTimeoutSeconds: 5,
  });
});

test("distribution domain as a label or a full name is one value; behaviors and error pages sorted", () => {
  const a = checkInputs(cdnResource, {}, { ...storage, name: "site", distributionDomain: "My-Site" }).inputs;
  const b = checkInputs(cdnResource, {}, { ...storage, name: "site", distributionDomain: "my-site.mamutecdn.com." }).inputs;
  expect(a.distributionDomain).toBe("my-site.mamutecdn.com");
  expect(diffInputs(cdnResource, { ...a, status: "deployed" }, b).changes).toBe(false);

  const { inputs, failures } = checkInputs(
    cdnResource,
    {},
    {
      ...storage,
      name: "site",
      behaviors: [
        { priority: 9, pathPattern: "/b/*" },
        { priority: 2, pathPattern: "/a/*", viewerProtocolPolicy: "redirect-to-https" },
      ],
      customErrorResponses: [
        { errorCode: 500, responsePagePath: "/500.html" },
        { errorCode: 404, responsePagePath: "/404.html", responseCode: 200 },
      ],
    },
  );
  expect(failures).toEqual([]);
  expect((inputs.behaviors as any[]).map((b) => [b.priority, b.viewerProtocolPolicy])).toEqual([
    [2, "redirect_to_https"],
    [9, "allow_all"],
  ]);
  expect(inputs.customErrorResponses).toEqual([
    { errorCode: 404, responsePagePath: "/404.html", responseCode: 200, cacheTtlSeconds: 10 },
    { errorCode: 500, responsePagePath: "/500.html", responseCode: 500, cacheTtlSeconds: 10 },
  ]);
});

test("repeated priorities, error codes and header names are refused", () => {
  const { failures } = checkInputs(
    cdnResource,
    {},
    {
      name: "site",
      customOrigin: {
        hostname: "example.com",
        customHeaders: [
          { name: "X-A", value: "1" },
          { name: "x-a", value: "2" },
          { name: "Host", value: "x" },
        ],
      },
      behaviors: [
        { priority: 1, pathPattern: "/a" },
        { priority: 1, pathPattern: "/b" },
      ],
      customErrorResponses: [
        { errorCode: 404, responsePagePath: "/a" },
        { errorCode: 404, responsePagePath: "/b" },
      ],
    },
  );
  const byProperty = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
  expect(byProperty.customOrigin).toMatch(/must not be host/);
  expect(byProperty.behaviors).toMatch(/priorities must be unique/);
  expect(byProperty.customErrorResponses).toMatch(/error codes must be unique/);
});

test("omitting the distribution domain after it was set is no change; a new origin kind replaces, a new bucket does not", () => {
  const olds = { ...checkInputs(cdnResource, {}, { ...storage, name: "site", distributionDomain: "my-site" }).inputs, status: "deployed" };
  const omitted = checkInputs(cdnResource, olds, { ...storage, name: "site" }).inputs;
  expect(diffInputs(cdnResource, olds, omitted)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  const bucket = checkInputs(cdnResource, olds, { storageOrigin: { bucketId: "bkt_other" }, name: "site" }).inputs;
  expect(diffInputs(cdnResource, olds, bucket)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const custom = checkInputs(cdnResource, olds, { customOrigin: { hostname: "example.com" }, name: "site" }).inputs;
  expect(diffInputs(cdnResource, olds, custom)).toEqual({
    changes: true,
    replaces: ["storageOrigin", "customOrigin"],
    deleteBeforeReplace: true,
  });
  // Not yet seen deployed: the next up updates (waits) even without a change.
  expect(
    diffInputs(
      cdnResource,
      { ...olds, status: "in_progress" },
      checkInputs(cdnResource, olds, { ...storage, name: "site", distributionDomain: "my-site" }).inputs,
    ).changes,
  ).toBe(true);
});

test("custom domain names: lower case, no trailing dot, wildcard first label only; additional domains sorted and deduplicated", () => {
  const { inputs, failures } = checkInputs(
    cdnCustomDomain,
    {},
    {
      resourceId: "cdn_1",
      domainName: "*.Example.COM.",
      additionalDomains: ["www.example.com", "Example.com", "www.example.com."],
    },
  );
  expect(failures).toEqual([]);
  expect(inputs).toMatchObject({ domainName: "*.example.com", additionalDomains: ["example.com", "www.example.com"], active: true });
  const bad = checkInputs(cdnCustomDomain, {}, { resourceId: "cdn_1", domainName: "www.*.example.com" });
  expect(bad.failures[0]).toMatchObject({ property: "domainName" });
  expect(diffInputs(cdnCustomDomain, inputs, { ...inputs, resourceId: "cdn_2" })).toEqual({
    changes: true,
    replaces: ["resourceId"],
    deleteBeforeReplace: true,
  });
});

test("subdomain routing with a custom origin is refused on the property that asks for it", () => {
  const onBehavior = checkInputs(
    cdnResource,
    {},
    {
      name: "site",
      customOrigin: { hostname: "example.com" },
      behaviors: [{ priority: 1, pathPattern: "/t/*", subdomainRouting: true }],
    },
  );
  expect(onBehavior.failures).toEqual([
    { property: "behaviors", reason: expect.stringMatching(/subdomainRouting needs a storage origin/) },
  ]);
});

test("a generated-looking distributionDomain (r- and 16 hex) fails at check, before any bucket is made", () => {
  const { failures } = checkInputs(cdnResource, {}, { ...storage, name: "site", distributionDomain: "r-0123456789abcdef" });
  expect(failures).toEqual([
    { property: "distributionDomain", reason: expect.stringMatching(/shape of a generated name.*omit distributionDomain/) },
  ]);
  // Not the shape: 15 digits, or letters past f.
  expect(checkInputs(cdnResource, {}, { ...storage, name: "site", distributionDomain: "r-0123456789abcde" }).failures).toEqual([]);
  expect(checkInputs(cdnResource, {}, { ...storage, name: "site", distributionDomain: "r-0123456789abcdeg" }).failures).toEqual([]);
  // Already the previous inputs' choice (accepted before this rule): kept, so the stack still previews.
  const olds = { distributionDomain: "r-0123456789abcdef.mamutecdn.com" };
  expect(checkInputs(cdnResource, olds, { ...storage, name: "site", distributionDomain: "r-0123456789abcdef" }).failures).toEqual([]);
});
