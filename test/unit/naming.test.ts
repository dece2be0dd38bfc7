// Auto-names: `<logical>-<7 characters>`, derived from the resource's URN (keyed by the account)
// so that a create retried after its host was killed asks for the same name, valid under both name
// rules whatever the logical name is, and random without a URN (an older SDK).
import { accountOf, derivedNaming, namingFor, randomNaming } from "../../provider/naming";
import { bucket } from "../../provider/resources/bucket";
import { checkInputs } from "../../provider/resource";

const BUCKET_RULE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const CDN_RULE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const URN = "urn:pulumi:dev::site::pulumi-nodejs:dynamic/mamutecloud:Bucket::assets";
const ACCOUNT = "https://api.mamutecloud.com\nmamute-key-1";

test("the same URN and account give the same name on every run; the suffix is 7 characters", () => {
  const first = derivedNaming(URN, ACCOUNT).name("assets");
  expect(first).toEqual({ name: expect.stringMatching(/^assets-[a-z0-9]{7}$/), derived: true });
  expect(derivedNaming(URN, ACCOUNT).name("assets")).toEqual(first);
});

test("another resource, stack or account gets another name", () => {
  const name = (urn: string, account: string) => derivedNaming(urn, account).name("assets").name;
  const names = [
    name(URN, ACCOUNT),
    name(URN.replace("::assets", "::assets2"), ACCOUNT),
    name(URN.replace("dev::", "prod::"), ACCOUNT),
    name(URN, "https://api.mamutecloud.com\nmamute-key-2"),
  ];
  expect(new Set(names).size).toBe(names.length);
});

test("a replacement derives a new name from the one it replaces; a chain of them never comes back", () => {
  const naming = derivedNaming(URN, ACCOUNT);
  const chain = [naming.name("assets").name];
  for (let i = 0; i < 2000; i++) chain.push(naming.name("assets", chain[chain.length - 1]).name);
  expect(new Set(chain).size).toBe(chain.length);
  // Retried after a kill, a replacement asks for the same name again.
  expect(naming.name("assets", chain[0]).name).toBe(chain[1]);
});

test("any logical name gives a name both the bucket and the CDN resource rules accept", () => {
  const naming = derivedNaming(URN, ACCOUNT);
  for (const logical of ["b", "My_Site", "__", "x".repeat(80), "site/assets", "ünïcode", "-a-", undefined]) {
    for (const { name } of [naming.name(logical), randomNaming.name(logical)]) {
      expect(name).toMatch(BUCKET_RULE);
      expect(name).toMatch(CDN_RULE);
    }
  }
  expect(naming.name("b").name).toMatch(/^b-[a-z0-9]{7}$/);
  expect(naming.name("My_Site").name).toMatch(/^my-site-[a-z0-9]{7}$/);
  expect(naming.name("__").name).toMatch(/^bucket-[a-z0-9]{7}$/);
});

test("without a URN or an account the name is random, and not a mark", () => {
  const account = () => ACCOUNT;
  for (const urn of [undefined, "", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"]) {
    const naming = namingFor(urn, account);
    expect(naming.name("assets").derived).toBe(false);
    expect(naming.name("assets").name).not.toBe(naming.name("assets").name);
  }
  expect(namingFor(URN, () => undefined).name("assets").derived).toBe(false);
  expect(namingFor(URN, account).name("assets")).toEqual(derivedNaming(URN, ACCOUNT).name("assets"));
});

test("the account is the endpoint and the API key, or a dashboard token's subject (tokens are renewed)", () => {
  const jwt = (sub: string, iat: number) => ["e30", Buffer.from(JSON.stringify({ sub, iat })).toString("base64url"), "sig"].join(".");
  expect(accountOf({ endpoint: "https://e", apiKey: "mamute-k" })).toBe("https://e\nmamute-k");
  expect(accountOf({ endpoint: "https://e", token: jwt("user-1", 1) })).toBe(accountOf({ endpoint: "https://e", token: jwt("user-1", 2) }));
  expect(accountOf({ endpoint: "https://e", token: jwt("user-1", 1) })).not.toBe(
    accountOf({ endpoint: "https://e", token: jwt("user-2", 1) }),
  );
  expect(accountOf({ endpoint: "https://e" })).toBeUndefined();
});

test("check keeps the name across runs and marks it; a storage class change (replacement) derives a new one", () => {
  const naming = derivedNaming(URN, ACCOUNT);
  const news = { __logicalName: "assets", storageClass: "Standard" };
  const first = checkInputs(bucket, {}, { ...news }, naming).inputs;
  expect(first).toMatchObject({ name: naming.name("assets").name, __autoname: true, __nameFromUrn: true });
  const again = checkInputs(bucket, first, { ...news }, naming).inputs;
  expect(again.name).toBe(first.name);
  const replaced = checkInputs(bucket, { ...first, forceDestroy: true }, { ...news, storageClass: "Archive" }, naming).inputs;
  expect(replaced).toMatchObject({ name: naming.name("assets", String(first.name)).name, __nameFromUrn: true });
  // A stack made before names were derived keeps its random name, which is no mark.
  const old = { ...first, name: "assets-zz00zz0", __generatedName: "assets-zz00zz0" };
  delete (old as Record<string, unknown>).__nameFromUrn;
  const kept = checkInputs(bucket, old, { ...news }, naming).inputs;
  expect(kept.name).toBe("assets-zz00zz0");
  expect(kept.__nameFromUrn).toBeUndefined();
});

test("the mark a CDN resource carries in its empty description (an imported certificate in its tags): 12 characters, this resource's only, none without a URN", () => {
  const mark = derivedNaming(URN, ACCOUNT).mark();
  expect(mark).toMatch(/^[a-z0-9]{12}$/);
  expect(derivedNaming(URN, ACCOUNT).mark()).toBe(mark);
  expect(derivedNaming(URN.replace("::assets", "::other"), ACCOUNT).mark()).not.toBe(mark);
  expect(derivedNaming(URN, "https://api.mamutecloud.com\nmamute-key-2").mark()).not.toBe(mark);
  // An imported certificate's replacement (another certificate or chain) gets another mark; the old one still exists meanwhile.
  const naming = derivedNaming(URN, ACCOUNT);
  expect(
    new Set([naming.mark(), naming.mark("fingerprint-1\0chain"), naming.mark("fingerprint-2\0chain"), naming.mark("fingerprint-1\0")]).size,
  ).toBe(4);
  expect(randomNaming.mark()).toBeUndefined();
});
