// The pure parts of `pulumi-mamutecloud adopt`: logical and variable names, record names relative
// to their zone, the rendering of values and files (deterministic), and the command's arguments.
import { adopt, parseArgs, UsageError } from "../../provider/takeover/cli";
import { declaredInputs } from "../../provider/takeover/inventory";
import { Expr, Ref, type AdoptedAccount } from "../../provider/takeover/model";
import { NameTable, recordLogicalName, relativeRecordName, slug, variableName } from "../../provider/takeover/names";
import { renderFolder, renderImportFile, renderProgram, renderValue } from "../../provider/takeover/render";
import { dnsRecord } from "../../provider/resources/dnsRecord";
import { cdnResource } from "../../provider/resources/cdnResource";
import { importedCertificate } from "../../provider/resources/importedCertificate";

describe("names", () => {
  test("slugs: lower case, dashes, a wildcard by name", () => {
    expect(slug("Example.COM")).toBe("example-com");
    expect(slug("_sip._tcp")).toBe("sip-tcp");
    expect(slug("*.dev")).toBe("wildcard-dev");
    expect(slug("___")).toBe("x");
  });

  test("record names relative to the zone, as a DnsRecord takes them", () => {
    expect(relativeRecordName("example.com.", "example.com")).toBe("@");
    expect(relativeRecordName("WWW.Example.com.", "example.com")).toBe("www");
    expect(relativeRecordName("_sip._tcp.example.com.", "example.com.")).toBe("_sip._tcp");
    expect(relativeRecordName("*.example.com.", "example.com")).toBe("*");
    // Not in the zone (never answered by the API, but not mangled either): absolute.
    expect(relativeRecordName("www.other.org.", "example.com")).toBe("www.other.org.");
    // A longer domain that merely ends in the same text is not inside the zone.
    expect(relativeRecordName("notexample.com.", "example.com")).toBe("notexample.com.");
  });

  test("record logical names: zone, name (the apex, a validation record by what it validates) and type", () => {
    expect(recordLogicalName("example.com", "@", "MX")).toBe("example-com-apex-mx");
    expect(recordLogicalName("example.com", "www", "A")).toBe("example-com-www-a");
    expect(recordLogicalName("example.com", "*", "A")).toBe("example-com-wildcard-a");
    expect(recordLogicalName("example.com", "_24b830666382ab1c997b3e39fdef46d7.www", "CNAME")).toBe("example-com-www-validation-cname");
  });

  test("variables: camel case, never a keyword or the module names the program imports", () => {
    expect(variableName("example-com-www-a")).toBe("exampleComWwwA");
    expect(variableName("site-assets")).toBe("siteAssets");
    expect(variableName("2fa")).toBe("r2fa");
    expect(variableName("default")).toBe("defaultResource");
    expect(variableName("pulumi")).toBe("pulumiResource");
    expect(variableName("fs")).toBe("fsResource");
  });

  test("a name table hands each name out once, the second with a number", () => {
    const names = new NameTable();
    expect(names.take("media")).toEqual({ logicalName: "media", variable: "media" });
    expect(names.take("media")).toEqual({ logicalName: "media-2", variable: "media2" });
    // Different logical names that make one variable are told apart too.
    expect(names.take("my-site").variable).toBe("mySite");
    expect(names.take("my.site")).toEqual({ logicalName: "my.site-2", variable: "mySite2" });
  });
});

describe("declared inputs", () => {
  const ids = new Map([
    ["zone_1", "exampleCom"],
    ["bkt_1", "media"],
  ]);

  test("references become Outputs of adopted objects; defaults, internal keys and unknown ids are left as they are or out", () => {
    const inputs = declaredInputs(
      dnsRecord,
      { zoneId: "zone_1", name: "www", type: "A", values: ["192.0.2.1"], ttl: 3600, __zoneDomain: "example.com", fqdn: "www.example.com" },
      ids,
    );
    expect(inputs).toEqual({ zoneId: new Ref("exampleCom"), name: "www", type: "A", values: ["192.0.2.1"] });
    expect(declaredInputs(dnsRecord, { zoneId: "zone_9", name: "@", type: "A", values: ["192.0.2.1"], ttl: 300 }, ids).zoneId).toBe(
      "zone_9",
    );
  });

  test("nested references (a CDN origin's bucket) are wired too", () => {
    const inputs = declaredInputs(
      cdnResource,
      { name: "site", storageOrigin: { bucketId: "bkt_1", originPath: "", defaultRootObject: null } },
      ids,
    );
    expect(inputs.storageOrigin).toEqual({ bucketId: new Ref("media"), originPath: "" });
  });

  test("secrets are never declared", () => {
    expect(declaredInputs(importedCertificate, { certificate: "PEM", privateKey: "KEY", deleteTimeout: "30m" }, ids)).toEqual({
      certificate: "PEM",
    });
  });
});

describe("rendering", () => {
  test("values as TypeScript: strings escaped, short lists inline, objects one key a line, references as .id", () => {
    expect(renderValue('0 issue "letsencrypt.org"')).toBe('"0 issue \\"letsencrypt.org\\""');
    expect(renderValue(["a", "b"])).toBe('["a", "b"]');
    expect(renderValue({ zoneId: new Ref("exampleCom"), "x-y": 1 })).toBe('{\n    zoneId: exampleCom.id,\n    "x-y": 1,\n}');
    expect(renderValue(new Expr('fs.readFileSync("a", "utf8")'))).toBe('fs.readFileSync("a", "utf8")');
    const long = Array.from({ length: 8 }, (_, i) => `value number ${i}`);
    expect(renderValue(long)).toBe(`[\n${long.map((item) => `    "${item}",`).join("\n")}\n]`);
  });

  const account: AdoptedAccount = {
    objects: [
      {
        kind: "DnsZone",
        logicalName: "example-com",
        variable: "exampleCom",
        importId: "zone_1",
        inputs: { domain: "example.com" },
        notes: [],
      },
      {
        kind: "DnsRecord",
        logicalName: "example-com-www-a",
        variable: "exampleComWwwA",
        importId: "zone_1/rec_1",
        inputs: { zoneId: new Ref("exampleCom"), name: "www", type: "A", values: ["192.0.2.1"] },
        notes: ["a note"],
      },
      {
        kind: "ImportedCertificate",
        logicalName: "cert-shop",
        variable: "certShop",
        importId: "cert_1",
        inputs: { certificate: new Expr('fs.readFileSync("certs/cert-shop.crt", "utf8")') },
        notes: [],
      },
    ],
    skipped: [{ what: "1 record set of example.com managed by MamuteCloud (@ NS)", why: "the API keeps it" }],
  };
  const options = { project: "adopted", packageVersion: "0.1.0", commandLine: "pulumi-mamutecloud adopt adopted" };

  test("the program: native SDK, declarations in dependency order, notes as comments, fs only when a file is read", () => {
    const program = renderProgram(account, options);
    expect(program).toContain('import * as mamutecloud from "pulumi-mamutecloud/native";');
    expect(program).toContain('import * as fs from "node:fs";');
    expect(program).toContain(
      '// a note\nconst exampleComWwwA = new mamutecloud.DnsRecord("example-com-www-a", {\n    zoneId: exampleCom.id,\n    name: "www",\n    type: "A",\n    values: ["192.0.2.1"],\n}, { protect });',
    );
    expect(program.indexOf("new mamutecloud.DnsZone")).toBeLessThan(program.indexOf("new mamutecloud.DnsRecord"));
    expect(renderProgram({ objects: account.objects.slice(0, 2), skipped: [] }, options)).not.toContain("node:fs");
  });

  test("the import file: type tokens, logical names and import ids, as `pulumi import --file` reads them", () => {
    expect(JSON.parse(renderImportFile(account))).toEqual({
      resources: [
        { type: "mamutecloud:index:DnsZone", name: "example-com", id: "zone_1" },
        { type: "mamutecloud:index:DnsRecord", name: "example-com-www-a", id: "zone_1/rec_1" },
        { type: "mamutecloud:index:ImportedCertificate", name: "cert-shop", id: "cert_1" },
      ],
    });
  });

  test("the folder: the same account gives the same bytes; the README names what was skipped and the PEM files", () => {
    const files = renderFolder(account, options);
    expect(renderFolder(account, options)).toEqual(files);
    expect(Object.keys(files).sort()).toEqual(["Pulumi.yaml", "README.md", "import.json", "index.ts", "package.json", "tsconfig.json"]);
    expect(files["README.md"]).toContain("pulumi import --file import.json");
    expect(files["README.md"]).toContain("managed by MamuteCloud (@ NS)");
    expect(files["README.md"]).toContain("`certs/cert-shop.crt` and `certs/cert-shop.key`");
    expect(JSON.parse(files["tsconfig.json"]).compilerOptions.moduleResolution).toBe("node16");
  });
});

describe("arguments", () => {
  test("the folder, --only and --zone (canonicalised; alone it means DNS only)", () => {
    expect(parseArgs(["adopt", "out"])).toMatchObject({
      folder: "out",
      only: new Set(["buckets", "dns", "cdn"]),
      zones: [],
      project: "out",
    });
    expect(parseArgs(["adopt", "out", "--only", "buckets,cdn"]).only).toEqual(new Set(["buckets", "cdn"]));
    expect(parseArgs(["adopt", "--zone=Example.com.", "out"])).toMatchObject({ only: new Set(["dns"]), zones: ["example.com"] });
    expect(parseArgs(["adopt", "out", "--project", "prod"]).project).toBe("prod");
  });

  test("mistakes are usage errors that say what to do", () => {
    expect(() => parseArgs(["import", "out"])).toThrow(UsageError);
    expect(() => parseArgs(["adopt"])).toThrow(/give the folder/);
    expect(() => parseArgs(["adopt", "out", "--only", "vms"])).toThrow(/--only takes buckets, dns, cdn/);
    expect(() => parseArgs(["adopt", "out", "--zone", "com"])).toThrow(/--zone com/);
    expect(() => parseArgs(["adopt", "out", "--only", "buckets", "--zone", "example.com"])).toThrow(/add dns to --only/);
    expect(() => parseArgs(["adopt", "out", "--zone"])).toThrow(/needs a value/);
  });
});

test("without a credential in the environment, the command says to export one (stack config is out of its reach)", async () => {
  const args = parseArgs(["adopt", "never-written"]);
  await expect(adopt(args, {}, () => undefined)).rejects.toThrow(
    /export MAMUTECLOUD_API_KEY=mamute-… \(or MAMUTECLOUD_TOKEN\).*stack config \(mamutecloud:apiKey\) is not read/,
  );
});
