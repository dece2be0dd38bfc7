// DnsZone and DnsRecord's pure parts: the canonical forms check produces (so a refresh is followed
// by no diff), the failures it reports, and diff's name equivalence and delete-before-replace.
import { readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { join } from "node:path";
import { checkInputs, diffInputs, upgradeState, STATE_VERSION, UNKNOWN, type PropertyMap } from "../../provider/resource";
import { canonicalIpv6, canonicalValue, canonicalZoneDomain, checkRecordName, recordFqdn } from "../../provider/resources/dns";
import { dnsRecord, parseRecordId, recordId } from "../../provider/resources/dnsRecord";
import { dnsZone } from "../../provider/resources/dnsZone";
import { canonicalRecordValues as emulatorCanonical } from "../../emulator/management/dns-values";

describe("IPv6 canonical form (RFC 5952)", () => {
  test.each([
    ["2001:DB8:0:0::1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["::", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1::", "1::"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"], // the longest zero run is compressed
    ["1:0:0:2:0:0:3:4", "1::2:0:0:3:4"], // the first of equal runs
    ["1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"], // a single zero group is not compressed
    ["::ffff:192.0.2.1", "::ffff:c000:201"], // embedded IPv4 comes out in hex, as the API answers
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
  ])("%s → %s", (raw, canonical) => {
    expect(canonicalIpv6(raw)).toBe(canonical);
  });

  test.each([
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "12345::",
    "g::1",
    "192.0.2.1",
    "fe80::1%eth0",
    "::1.2.3.04",
    "::256.0.0.1",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:1.2.3.4",
    ":1::",
    "::1:",
  ])("%s is refused", (raw) => {
    expect(canonicalIpv6(raw)).toBeUndefined();
  });

  test("agrees with the WHATWG URL parser, the API contract's reference, on every valid form tried", () => {
    const samples = ["2001:db8::2:1", "0:0:1:0:0:2:0:0", "a:b:c:d:e:f:0:0", "::2:3:4:5:6:7:8", "1:2:3:4:5::1.2.3.4", "FFFF::0:0:1", "0::0"];
    for (const raw of samples) {
      expect(isIPv6(raw)).toBe(true);
      expect(canonicalIpv6(raw)).toBe(new URL(`http://[${raw}]/`).hostname.slice(1, -1));
    }
  });
});

describe("names", () => {
  test("zone domain: lower case, no trailing dot, two labels at least", () => {
    expect(canonicalZoneDomain("Example.COM.")).toEqual({ domain: "example.com" });
    expect(canonicalZoneDomain("localhost")).toMatchObject({ error: expect.stringMatching(/at least two labels/) });
    expect(canonicalZoneDomain("-a.com")).toMatchObject({ error: expect.stringMatching(/label "-a"/) });
    expect(canonicalZoneDomain("example.123")).toMatchObject({ error: expect.stringMatching(/all digits/) });
  });

  test("record name: kept as written, lower-cased; labels checked", () => {
    expect(checkRecordName("WWW")).toEqual({ name: "www" });
    expect(checkRecordName("@")).toEqual({ name: "@" });
    expect(checkRecordName("")).toEqual({ name: "" });
    expect(checkRecordName("*.Example.com.")).toEqual({ name: "*.example.com." });
    expect(checkRecordName("_dmarc")).toEqual({ name: "_dmarc" });
    for (const bad of ["a..b", "a.*", "has space", "x".repeat(64), "."]) {
      expect(checkRecordName(bad)).toMatchObject({ error: expect.stringMatching(/not a valid record name/) });
    }
  });

  test("relative, absolute and apex names resolve to one FQDN per zone", () => {
    for (const name of ["www", "WWW", "www.example.com", "www.example.com.", "Www.Example.Com."]) {
      expect(recordFqdn(name, "example.com")).toBe("www.example.com.");
    }
    for (const name of ["@", "", "example.com", "example.com."]) expect(recordFqdn(name, "example.com")).toBe("example.com.");
    // A relative name that merely contains the domain's labels is still relative.
    expect(recordFqdn("www.example", "example.com")).toBe("www.example.example.com.");
  });

  test("record id is <zoneId>/<recordId> and parses back", () => {
    expect(recordId("zone_1", "rec_2")).toBe("zone_1/rec_2");
    expect(parseRecordId("zone_1/rec_2")).toEqual({ zoneId: "zone_1", recordId: "rec_2" });
    for (const bad of ["", "zone_1", "/rec_2", "zone_1/", "a/b/c"]) {
      expect(() => parseRecordId(bad)).toThrow(/is not a DnsRecord id: expected <zoneId>\/<recordId>/);
    }
  });
});

describe("DnsRecord check", () => {
  const check = (news: PropertyMap) => checkInputs(dnsRecord, {}, news);
  const failuresOf = (news: PropertyMap) => Object.fromEntries(check(news).failures.map((f) => [f.property, f.reason]));

  test("canonical forms: type upper case, values canonical and sorted, default TTL, name as written", () => {
    expect(check({ zoneId: "zone_1", name: "WWW", type: "aaaa", values: ["2001:DB8:0:0::1", "2001:db8::0:0"] })).toEqual({
      inputs: { zoneId: "zone_1", name: "www", type: "AAAA", values: ["2001:db8::", "2001:db8::1"], ttl: 3600 },
      failures: [],
    });
    expect(check({ zoneId: "z", name: "www", type: "CNAME", values: ["Example.COM"] }).inputs.values).toEqual(["example.com."]);
    // The first version's record-wide priority is folded into the values, and leaves the inputs.
    const legacyMx = check({ zoneId: "z", name: "@", type: "mx", values: ["MX2.example.com", "mx1.example.com."], priority: 10 }).inputs;
    expect(legacyMx).toMatchObject({ type: "MX", values: ["10 mx1.example.com.", "10 mx2.example.com."] });
    expect(legacyMx).not.toHaveProperty("priority");
    expect(check({ zoneId: "z", name: "@", type: "MX", values: [" 20\tMX2.Example.com", "10 mx1.example.com."] }).inputs.values).toEqual([
      "10 mx1.example.com.",
      "20 mx2.example.com.",
    ]);
    expect(check({ zoneId: "z", name: "@", type: "A", values: ["192.0.2.10", "192.0.2.9", "10.0.0.1"] }).inputs.values).toEqual([
      "10.0.0.1",
      "192.0.2.10",
      "192.0.2.9",
    ]);
    expect(check({ zoneId: "z", name: "@", type: "TXT", values: ["v=spf1 -all", "B", "a"] }).inputs.values).toEqual([
      "B",
      "a",
      "v=spf1 -all",
    ]);
  });

  test("one failure per property, each naming the rule and the fix", () => {
    const byProperty = failuresOf({ zoneId: "a/b", name: "a..b", type: "PTR", values: "x", ttl: 30, priority: -1, colour: "red" });
    expect(Object.keys(byProperty).sort()).toEqual(["colour", "name", "priority", "ttl", "type", "values", "zoneId"]);
    expect(byProperty.zoneId).toMatch(/DnsZone id/);
    expect(byProperty.name).toMatch(/use "@" for the zone apex/);
    expect(byProperty.type).toMatch(/A, AAAA, CNAME, MX, TXT, NS, SRV, CAA/);
    expect(byProperty.values).toMatch(/list of 1-100 strings/);
    expect(byProperty.ttl).toMatch(/60 to 86400/);
    expect(byProperty.priority).toMatch(/0 to 65535/);
    expect(byProperty.colour).toMatch(/no property "colour"/);
  });

  test("per-type value failures name the item and the rule; bad values of one record give one failure", () => {
    const a = failuresOf({ zoneId: "z", name: "@", type: "A", values: ["192.0.2.1", "192.0.2.01", "2001:db8::1"] });
    expect(Object.keys(a)).toEqual(["values"]);
    expect(a.values).toMatch(/item 1 "192\.0\.2\.01" must be a dotted-quad IPv4/);
    expect(a.values).toMatch(/item 2 "2001:db8::1" must be a dotted-quad IPv4/);
    expect(failuresOf({ zoneId: "z", name: "v6", type: "AAAA", values: ["192.0.2.1"] }).values).toMatch(/must be an IPv6 address/);
    expect(failuresOf({ zoneId: "z", name: "www", type: "CNAME", values: ["a.example.com", "b.example.com"] }).values).toMatch(
      /exactly one host name \(got 2\)/,
    );
    expect(failuresOf({ zoneId: "z", name: "@", type: "MX", values: ["not a host"], priority: 1 }).values).toMatch(
      /must be "<priority> <host>"/,
    );
    expect(failuresOf({ zoneId: "z", name: "www", type: "CNAME", values: ["192.0.2.1"] }).values).toMatch(/not an IP address/);
    expect(failuresOf({ zoneId: "z", name: "@", type: "TXT", values: ["é"] }).values).toMatch(/printable ASCII/);
    expect(failuresOf({ zoneId: "z", name: "@", type: "TXT", values: ["x".repeat(2049)] }).values).toMatch(/1-2048/);
    expect(failuresOf({ zoneId: "z", name: "@", type: "A", values: [] }).values).toMatch(/1-100/);
  });

  test("duplicates after canonical form are a failure", () => {
    expect(failuresOf({ zoneId: "z", name: "v6", type: "AAAA", values: ["2001:db8::1", "2001:DB8:0::1"] }).values).toMatch(
      /"2001:db8::1" is given more than once/,
    );
    expect(failuresOf({ zoneId: "z", name: "@", type: "NS", values: ["ns1.x.net", "NS1.x.net."] }).values).toMatch(/more than once/);
  });

  test("MX values carry their priority; priority refused outside MX; no CNAME or NS at the apex", () => {
    expect(failuresOf({ zoneId: "z", name: "@", type: "MX", values: ["mx.example.com"] })).toEqual({
      values: expect.stringMatching(/item 0 "mx\.example\.com" must be "<priority> <host>".*each MX value carries its own priority/),
    });
    for (const apex of ["@", ""]) {
      expect(failuresOf({ zoneId: "z", name: apex, type: "ns", values: ["ns1.other.net"] })).toEqual({
        name: expect.stringMatching(/NS record set at the zone apex is managed by MamuteCloud.*remove this record/),
      });
    }
    expect(failuresOf({ zoneId: "z", name: "sub", type: "NS", values: ["ns1.other.net"] })).toEqual({});
    expect(failuresOf({ zoneId: "z", name: "@", type: "TXT", values: ["x"], priority: 5 })).toEqual({
      priority: expect.stringMatching(/only MX records take a priority: remove it/),
    });
    for (const apex of ["@", ""]) {
      expect(failuresOf({ zoneId: "z", name: apex, type: "cname", values: ["example.net"] })).toEqual({
        name: expect.stringMatching(/CNAME record cannot be at the zone apex/),
      });
    }
  });

  test("unknown values are skipped, known ones still checked", () => {
    expect(check({ zoneId: UNKNOWN, name: UNKNOWN, type: UNKNOWN, values: UNKNOWN, ttl: UNKNOWN, priority: UNKNOWN }).failures).toEqual([]);
    // Type unknown: values cannot be judged, nor priority.
    expect(check({ zoneId: "z", name: "@", type: UNKNOWN, values: ["anything"], priority: 3 }).failures).toEqual([]);
    // Priority unknown for MX: bare host names are left for the real run, not reported.
    const mxLater = check({ zoneId: "z", name: "@", type: "MX", values: ["mx.example.com"], priority: UNKNOWN });
    expect(mxLater.failures).toEqual([]);
    expect(mxLater.inputs).toMatchObject({ values: ["mx.example.com"], priority: UNKNOWN });
    // One value unknown: the known ones are canonicalised in place (not sorted yet), the bad one reported.
    const partial = check({ zoneId: "z", name: "v6", type: "AAAA", values: ["2001:DB8::1", UNKNOWN] });
    expect(partial.failures).toEqual([]);
    expect(partial.inputs.values).toEqual(["2001:db8::1", UNKNOWN]);
    const bad = failuresOf({ zoneId: UNKNOWN, name: "v6", type: "AAAA", values: ["nope", UNKNOWN] });
    expect(bad).toEqual({ values: expect.stringMatching(/item 0 "nope" must be an IPv6 address/) });
    // Name unknown: a CNAME is not judged for the apex.
    expect(check({ zoneId: "z", name: UNKNOWN, type: "CNAME", values: ["example.net"] }).failures).toEqual([]);
    // Nor an SRV for its _service._protocol form, nor an NS for the apex.
    expect(check({ zoneId: "z", name: UNKNOWN, type: "SRV", values: ["10 5 5060 sip.example.net"] }).failures).toEqual([]);
    expect(check({ zoneId: "z", name: UNKNOWN, type: "NS", values: ["ns1.example.net"] }).failures).toEqual([]);
  });
});

describe("MX, SRV, CAA and TXT values: every spelling gives the one form the API answers", () => {
  const accepted: Array<[string, string, string]> = [
    ["MX", "10 mx1.example.com", "10 mx1.example.com."],
    ["MX", "  010\tMX1.Example.COM.  ", "10 mx1.example.com."],
    ["MX", "0 mail", "0 mail."],
    ["SRV", "10 5 5060 SIP.example.com", "10 5 5060 sip.example.com."],
    ["SRV", " 0  0   443 _x.example.net. ", "0 0 443 _x.example.net."],
    ["SRV", "0 0 0 .", "0 0 0 ."],
    ["CAA", '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ["CAA", "0 ISSUE LetsEncrypt.org.", '0 issue "letsencrypt.org"'],
    ["CAA", '0  issue  "pki.goog;cansignhttpexchanges=yes ;  x=1"', '0 issue "pki.goog; cansignhttpexchanges=yes; x=1"'],
    ["CAA", '0 issuewild ";"', '0 issuewild ";"'],
    ["CAA", '0 issuewild ""', '0 issuewild ";"'],
    ["CAA", "128 iodef mailto:security@example.com", '128 iodef "mailto:security@example.com"'],
    ["CAA", '0 iodef "https://example.com/caa-report"', '0 iodef "https://example.com/caa-report"'],
    ["TXT", "v=spf1 include:_spf.example.com -all", "v=spf1 include:_spf.example.com -all"],
    ["TXT", '"v=spf1 -all"', "v=spf1 -all"],
    ["TXT", ' "v=DKIM1; p=AB"   "CD" ', "v=DKIM1; p=ABCD"],
    ["TXT", '"say \\"hi\\" \\\\o/"', 'say "hi" \\o/'],
    ["TXT", 'plain "quoted" word', 'plain "quoted" word'],
  ];
  test.each(accepted)("%s %s → %s", (type, raw, canonical) => {
    expect(canonicalValue(type as "MX", raw)).toBe(canonical);
  });

  const refused: Array<[string, string]> = [
    ["MX", "mx1.example.com"], // no priority
    ["MX", "65536 mx1.example.com"],
    ["MX", "10 mx1.example.com extra"],
    ["MX", "ten mx1.example.com"],
    ["SRV", "10 5 5060"],
    ["SRV", "10 5 65536 sip.example.com"],
    ["SRV", "10 5 5060 192.0.2.1"],
    ["CAA", '256 issue "ca.example"'],
    ["CAA", '0 tbs "ca.example"'],
    ["CAA", '0 issue "ca.example'],
    ["CAA", '0 issue "a b"'],
    ["CAA", '0 issue "ca.example; not a parameter"'],
    ["CAA", '0 iodef "ftp://example.com"'],
    ["CAA", "0 issue"],
    ["TXT", '"unclosed'],
    ["TXT", '""'],
    ["TXT", '"a" junk "b"'],
    ["CNAME", "192.0.2.1"],
  ];
  test.each(refused)("%s %s is refused", (type, raw) => {
    expect(canonicalValue(type as "MX", raw)).toBeUndefined();
  });

  test("agree with the emulator, the API contract's implementation, on every sample", () => {
    for (const [type, raw, canonical] of accepted) {
      expect(emulatorCanonical(type as "MX", [raw])).toEqual([canonical]);
    }
    for (const [type, raw] of refused) expect(() => emulatorCanonical(type as "MX", [raw])).toThrow(/values\[0\]/);
  });

  test("TXT: text over 255 characters is one value; split into zone-file strings it is the same value", () => {
    const key = `v=DKIM1; k=rsa; p=${"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(9)}`;
    expect(key.length).toBeGreaterThan(255);
    const split = `"${key.slice(0, 255)}" "${key.slice(255)}"`;
    expect(canonicalValue("TXT", key)).toBe(key);
    expect(canonicalValue("TXT", split)).toBe(key);
    expect(canonicalValue("TXT", "x".repeat(2048))).toBe("x".repeat(2048));
  });

  test("check: SRV names are _service._protocol; failures name the property and the form", () => {
    const check = (news: PropertyMap) => checkInputs(dnsRecord, {}, news);
    expect(
      check({ zoneId: "z", name: "_SIP._TCP", type: "srv", values: ["20 0 5060 b.example.com", "10 5 5060 A.example.com."] }).inputs,
    ).toMatchObject({
      name: "_sip._tcp",
      type: "SRV",
      values: ["10 5 5060 a.example.com.", "20 0 5060 b.example.com."],
    });
    const byProperty = (news: PropertyMap) => Object.fromEntries(check(news).failures.map((f) => [f.property, f.reason]));
    for (const name of ["sip", "@", "_sip.tcp"]) {
      expect(byProperty({ zoneId: "z", name, type: "SRV", values: ["10 5 5060 a.example.com"] })).toEqual({
        name: expect.stringMatching(/SRV record's name must start with _service._protocol, like "_sip._tcp"/),
      });
    }
    expect(byProperty({ zoneId: "z", name: "_sip._tcp", type: "SRV", values: ["10 5060 a.example.com"] }).values).toMatch(
      /item 0 "10 5060 a.example.com" must be "<priority> <weight> <port> <target>"/,
    );
    expect(byProperty({ zoneId: "z", name: "@", type: "CAA", values: ['0 issue "ok.example"', "0 policy x"] }).values).toMatch(
      /item 1 "0 policy x" must be "<flags> <tag> <value>" with flags 0-255 and the tag issue, issuewild or iodef/,
    );
    // Spellings of one CAA value are duplicates.
    expect(byProperty({ zoneId: "z", name: "@", type: "CAA", values: ['0 issue "ca.example"', "0 ISSUE ca.example."] }).values).toMatch(
      /is given more than once/,
    );
  });
});

describe("state written by version 1 (an MX priority beside bare host names)", () => {
  const v1: PropertyMap = {
    zoneId: "zone_1",
    name: "@",
    type: "MX",
    values: ["mx1.example.com.", "mx2.example.com."],
    ttl: 600,
    priority: 10,
    fqdn: "example.com",
    recordId: "rec_1",
    __zoneDomain: "example.com",
    __version: 1,
  };

  test("is upgraded: the priority moves into each value; other kinds and current state are left alone", () => {
    // Version 2 moved MX priorities into the values; later versions changed other kinds only.
    expect(STATE_VERSION).toBeGreaterThanOrEqual(2);
    const { priority: _gone, ...rest } = v1;
    expect(upgradeState(dnsRecord, v1)).toEqual({ ...rest, values: ["10 mx1.example.com.", "10 mx2.example.com."] });
    const { __version: _none, ...unversioned } = v1;
    expect(upgradeState(dnsRecord, unversioned).values).toEqual(["10 mx1.example.com.", "10 mx2.example.com."]);
    const current = { ...v1, priority: undefined, values: ["10 mx1.example.com."], __version: 2 };
    expect(upgradeState(dnsRecord, current)).toBe(current);
    const a = { ...v1, type: "A", values: ["192.0.2.1"], priority: undefined };
    expect(upgradeState(dnsRecord, a).values).toEqual(["192.0.2.1"]);
    expect(upgradeState(dnsZone, { domain: "example.com", __version: 1 })).toEqual({ domain: "example.com", __version: 1 });
  });

  test("priority is marked deprecated in schema.json, pointing at the per-value form", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "../../schema.json"), "utf8"));
    const resource = Object.entries(schema.resources).find(([token]) => token.endsWith(":DnsRecord"))?.[1] as {
      inputProperties: Record<string, { deprecationMessage?: string }>;
    };
    expect(resource.inputProperties.priority.deprecationMessage).toMatch(/in each MX value instead: "10 mx1.example.com"/);
  });

  test("against the unchanged program, or one that moved the priority into the values: no diff", () => {
    const olds = upgradeState(dnsRecord, v1);
    const unchanged = checkInputs(
      dnsRecord,
      {},
      { zoneId: "zone_1", name: "@", type: "MX", values: ["mx2.example.com", "mx1.example.com"], priority: 10, ttl: 600 },
    );
    expect(diffInputs(dnsRecord, olds, unchanged.inputs).changes).toBe(false);
    const moved = checkInputs(
      dnsRecord,
      {},
      { zoneId: "zone_1", name: "@", type: "MX", values: ["10 mx1.example.com", "10 mx2.example.com"], ttl: 600 },
    );
    expect(diffInputs(dnsRecord, olds, moved.inputs).changes).toBe(false);
    const twoPriorities = checkInputs(
      dnsRecord,
      {},
      { zoneId: "zone_1", name: "@", type: "MX", values: ["10 mx1.example.com", "20 mx2.example.com"], ttl: 600 },
    );
    expect(diffInputs(dnsRecord, olds, twoPriorities.inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("DnsRecord diff", () => {
  // Old outputs, as create writes them (with the zone's domain kept for diff).
  const olds: PropertyMap = {
    zoneId: "zone_1",
    name: "www",
    type: "A",
    values: ["192.0.2.1"],
    ttl: 3600,
    fqdn: "www.example.com",
    recordId: "rec_1",
    __zoneDomain: "example.com",
  };
  const news = (over: PropertyMap = {}) =>
    checkInputs(dnsRecord, {}, { zoneId: "zone_1", name: "www", type: "A", values: ["192.0.2.1"], ...over }).inputs;

  test("relative, absolute and apex spellings of the same name are no change in the same zone", () => {
    for (const name of ["www", "WWW", "www.example.com", "www.example.com.", "WWW.Example.Com."]) {
      expect(diffInputs(dnsRecord, olds, news({ name }))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    }
    const apex = { ...olds, name: "@", fqdn: "example.com" };
    for (const name of ["@", "", "example.com", "example.com."]) expect(diffInputs(dnsRecord, apex, news({ name })).changes).toBe(false);
  });

  test("values order and spelling are no change; values, ttl and priority update in place", () => {
    const two = { ...olds, values: ["192.0.2.1", "192.0.2.2"] };
    expect(diffInputs(dnsRecord, two, news({ values: ["192.0.2.2", "192.0.2.1"] })).changes).toBe(false);
    expect(diffInputs(dnsRecord, olds, news({ values: ["192.0.2.9"] }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffInputs(dnsRecord, olds, news({ ttl: 300 })).replaces).toEqual([]);
    const mx = { ...olds, name: "@", type: "MX", values: ["10 mx.example.com."] };
    expect(diffInputs(dnsRecord, mx, news({ name: "@", type: "MX", values: ["10  MX.example.com"] })).changes).toBe(false);
    expect(diffInputs(dnsRecord, mx, news({ name: "@", type: "MX", values: ["mx.example.com"], priority: 10 })).changes).toBe(false);
    expect(diffInputs(dnsRecord, mx, news({ name: "@", type: "MX", values: ["mx.example.com"], priority: 20 }))).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  test("a name change replaces, creating the new record first", () => {
    expect(diffInputs(dnsRecord, olds, news({ name: "web" }))).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  test("a type change deletes first only when the two would collide (a CNAME at the same name)", () => {
    expect(diffInputs(dnsRecord, olds, news({ type: "CNAME", values: ["example.net"] }))).toEqual({
      changes: true,
      replaces: ["type"],
      deleteBeforeReplace: true,
    });
    expect(diffInputs(dnsRecord, olds, news({ type: "AAAA", values: ["2001:db8::1"] }))).toMatchObject({
      replaces: ["type"],
      deleteBeforeReplace: false,
    });
    const cname = { ...olds, type: "CNAME", values: ["example.net."] };
    // Same name in another spelling still collides.
    expect(diffInputs(dnsRecord, cname, news({ name: "www.example.com.", type: "A" }))).toMatchObject({
      replaces: ["type"],
      deleteBeforeReplace: true,
    });
    // CNAME moving to another name at the same time: no collision.
    expect(diffInputs(dnsRecord, cname, news({ name: "web", type: "A" }))).toMatchObject({ deleteBeforeReplace: false });
  });

  test("another zone replaces without deleting first; an unknown name or type in the same zone deletes first", () => {
    expect(diffInputs(dnsRecord, olds, news({ zoneId: "zone_2" }))).toEqual({
      changes: true,
      replaces: ["zoneId"],
      deleteBeforeReplace: false,
    });
    // In another zone the names are not compared through the old zone's domain.
    expect(diffInputs(dnsRecord, olds, news({ zoneId: "zone_2", name: "www.example.com" })).replaces).toEqual(["zoneId", "name"]);
    // An unknown zone id is a new zone (created or replaced): create first, as `up` will decide.
    expect(diffInputs(dnsRecord, olds, news({ zoneId: UNKNOWN }))).toMatchObject({ replaces: ["zoneId"], deleteBeforeReplace: false });
    expect(diffInputs(dnsRecord, olds, news({ zoneId: UNKNOWN, name: UNKNOWN }))).toMatchObject({ deleteBeforeReplace: false });
    expect(diffInputs(dnsRecord, olds, news({ name: UNKNOWN }))).toMatchObject({ replaces: ["name"], deleteBeforeReplace: true });
    // State without the zone's domain: spellings cannot be compared, so assume they may collide.
    const { __zoneDomain: _lost, ...bare } = olds;
    expect(diffInputs(dnsRecord, bare, news({ name: "www.example.com" }))).toMatchObject({ replaces: ["name"], deleteBeforeReplace: true });
  });
});

describe("DnsZone check and diff", () => {
  test("domain canonical, forceDestroy default; failures per property", () => {
    expect(checkInputs(dnsZone, {}, { domain: "Example.COM." })).toEqual({
      inputs: { domain: "example.com", forceDestroy: false },
      failures: [],
    });
    expect(checkInputs(dnsZone, {}, { domain: UNKNOWN }).failures).toEqual([]);
    const { failures } = checkInputs(dnsZone, {}, { domain: "localhost", forceDestroy: "yes" });
    expect(failures.map((f) => f.property).sort()).toEqual(["domain", "forceDestroy"]);
    expect(checkInputs(dnsZone, {}, {}).failures).toEqual([{ property: "domain", reason: "is required" }]);
  });

  test("domain replaces (new zone first); forceDestroy in place", () => {
    const olds = { domain: "example.com", forceDestroy: false, nameservers: ["ns1.mamutecloud.com"] };
    expect(diffInputs(dnsZone, olds, { domain: "example.com", forceDestroy: false }).changes).toBe(false);
    expect(diffInputs(dnsZone, olds, { domain: "example.org", forceDestroy: false })).toEqual({
      changes: true,
      replaces: ["domain"],
      deleteBeforeReplace: false,
    });
    expect(diffInputs(dnsZone, olds, { domain: "example.com", forceDestroy: true })).toMatchObject({ changes: true, replaces: [] });
  });
});
