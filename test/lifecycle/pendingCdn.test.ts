// Creates of the CDN and certificate kinds whose outcome stays unknown, through the real provider
// host: the answer is lost and the adoption lookup fails too. The stack keeps a `pending:` trace,
// and the next up, refresh or destroy settles it from what the emulator then holds: one object,
// the stack's, or none; never someone else's.
import { api, listAll, type Emulator } from "../harness/emulator";
import type { Engine } from "../harness/engine";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { failing, loseCreateAndItsLookups, startHeldLostCreate } from "../harness/steps";

const CREATE_RESOURCE = "POST /cdn/resource";
const LIST_RESOURCES = "GET /cdn/resource";
const ATTACH_DOMAIN = "PUT /cdn/resource/{id}";
const READ_RESOURCE = "GET /cdn/resource/{id}";
const REQUEST_CERTIFICATE = "POST /cdn/ssl-certificate";
const LIST_CERTIFICATES = "GET /cdn/ssl-certificate";

let emu: Emulator;
let engine: Engine;
let lifecycle: Lifecycle;
let bucketId: string;

beforeAll(async () => {
  lifecycle = await startLifecycle();
  ({ emu, engine } = lifecycle);
  emu.setSettings({ cdnDeployDelayMs: 0, sslValidationDelayMs: 600_000 });
  bucketId = (await api(emu, "POST", "/object-storage/buckets", { name: "pending-cdn" })).body.id;
});

afterAll(() => lifecycle?.close());

afterEach(() => emu.clearFaults());

describe("CdnResource", () => {
  const args = (name: string) => ({ name, storageOrigin: { bucketId } });
  const resourcesNamed = async (name: string) => (await listAll(emu, "/cdn/resource")).filter((resource) => resource.name === name);

  async function lostCreate(logical: string, name: string): Promise<void> {
    const err = await loseCreateAndItsLookups(emu, () => engine.up("CdnResource", logical, args(name)), CREATE_RESOURCE, LIST_RESOURCES);
    expect(err.message).toContain(`A CDN resource named "${name}" may exist`);
    expect(err.message).toMatch(/the next `pulumi up` settles it/);
    expect(engine.get(logical).id).toMatch(/^pending:/);
    expect(await resourcesNamed(name)).toHaveLength(1);
  }

  test("the next up deletes what the lost create made and makes it again: one resource, the stack's", async () => {
    await lostCreate("up", "pending-cdn-up");
    const [made] = await resourcesNamed("pending-cdn-up");
    const step = await engine.up("CdnResource", "up", args("pending-cdn-up"));
    expect(step.op).toBe("replace");
    expect(step.order).toEqual(["delete", "create"]);
    const now = await resourcesNamed("pending-cdn-up");
    expect(now.map((resource) => resource.id)).toEqual([engine.get("up").id]);
    expect(now[0].id).not.toBe(made.id);
    expect(engine.get("up").outputs.status).toBe("deployed");
    expect((await engine.up("CdnResource", "up", args("pending-cdn-up"))).op).toBe("same");
    await engine.destroy("up");
    expect(await resourcesNamed("pending-cdn-up")).toHaveLength(0);
  });

  test("refresh adopts what the lost create made; the next up finishes it and then changes nothing", async () => {
    await lostCreate("refreshed", "pending-cdn-refreshed");
    const [made] = await resourcesNamed("pending-cdn-refreshed");
    expect(await engine.refresh("refreshed")).toBe(true);
    expect(engine.get("refreshed").id).toBe(made.id);
    await engine.up("CdnResource", "refreshed", args("pending-cdn-refreshed"));
    expect((await resourcesNamed("pending-cdn-refreshed")).map((resource) => resource.id)).toEqual([made.id]);
    expect((await engine.up("CdnResource", "refreshed", args("pending-cdn-refreshed"))).op).toBe("same");
    await engine.destroy("refreshed");
    expect(await resourcesNamed("pending-cdn-refreshed")).toHaveLength(0);
  });

  test("destroy deletes what the lost create made", async () => {
    await lostCreate("destroyed", "pending-cdn-destroyed");
    await engine.destroy("destroyed");
    expect(await resourcesNamed("pending-cdn-destroyed")).toHaveLength(0);
  });
});

describe("Certificate", () => {
  const DOMAIN = "pending.certs.example";
  const certificates = async () => (await listAll(emu, "/cdn/ssl-certificate")).filter((cert) => cert.domain_name === DOMAIN);
  let theirs: string;

  // Someone else's certificate for the same name, requested before: never adopted, never deleted.
  beforeAll(async () => {
    theirs = (await api(emu, "POST", "/cdn/ssl-certificate", { domain_name: DOMAIN })).body.id;
  });

  afterAll(async () => {
    expect((await certificates()).map((cert) => cert.id)).toEqual([theirs]);
  });

  /** The lost create's certificate: the one that is not theirs. */
  async function lostCreate(logical: string): Promise<string> {
    const err = await loseCreateAndItsLookups(
      emu,
      () => engine.up("Certificate", logical, { domainName: DOMAIN }),
      REQUEST_CERTIFICATE,
      LIST_CERTIFICATES,
    );
    expect(err.message).toContain(`A certificate for ${DOMAIN} may exist`);
    expect(engine.get(logical).id).toMatch(/^pending:/);
    const made = (await certificates()).filter((cert) => cert.id !== theirs);
    expect(made).toHaveLength(1);
    return made[0].id;
  }

  test("the next up deletes what the lost create made and requests it again, leaving theirs alone", async () => {
    const made = await lostCreate("up");
    const step = await engine.up("Certificate", "up", { domainName: DOMAIN });
    expect(step.order).toEqual(["delete", "create"]);
    const ids = (await certificates()).map((cert) => cert.id);
    expect(ids.sort()).toEqual([theirs, engine.get("up").id].sort());
    expect(ids).not.toContain(made);
    expect((await engine.up("Certificate", "up", { domainName: DOMAIN })).op).toBe("same");
    await engine.destroy("up");
  });

  test("refresh adopts what the lost create made, not theirs", async () => {
    const made = await lostCreate("refreshed");
    expect(await engine.refresh("refreshed")).toBe(true);
    expect(engine.get("refreshed").id).toBe(made);
    expect(engine.get("refreshed").outputs.validationRecords).toHaveLength(1);
    expect((await engine.up("Certificate", "refreshed", { domainName: DOMAIN })).op).toBe("same");
    await engine.destroy("refreshed");
  });

  test("destroy deletes what the lost create made, not theirs", async () => {
    const made = await lostCreate("destroyed");
    await engine.destroy("destroyed");
    expect((await certificates()).map((cert) => cert.id)).not.toContain(made);
  });

  test("two new certificates for the name during a lost create: neither is adopted nor deleted until told apart", async () => {
    const { outcome } = await startHeldLostCreate(emu, REQUEST_CERTIFICATE, () => engine.up("Certificate", "mine", { domainName: DOMAIN }));
    // Someone else requests the same name while the stack's request is under way.
    const another = (await api(emu, "POST", "/cdn/ssl-certificate", { domain_name: DOMAIN })).body.id;
    const err = await outcome;
    const fresh = (await certificates()).filter((cert) => cert.id !== theirs);
    expect(fresh).toHaveLength(2);
    for (const cert of fresh) expect(err.message).toContain(cert.id);
    expect(err.message).toMatch(/none was adopted/);

    // While both remain, up stops rather than guess, and deletes neither.
    const again = await failing(engine.up("Certificate", "mine", { domainName: DOMAIN }));
    expect(again.message).toContain(another);
    expect(await certificates()).toHaveLength(3);

    // Told apart (the other requester says which is theirs, and the stack's own is deleted): the
    // next up leaves theirs alone and requests a new one.
    const ours = fresh.find((cert) => cert.id !== another)!;
    expect((await api(emu, "DELETE", `/cdn/ssl-certificate/${ours.id}`)).status).toBe(204);
    await engine.up("Certificate", "mine", { domainName: DOMAIN });
    expect((await certificates()).map((cert) => cert.id).sort()).toEqual([theirs, another, engine.get("mine").id].sort());
    await engine.destroy("mine");
    expect((await api(emu, "DELETE", `/cdn/ssl-certificate/${another}`)).status).toBe(204);
  });
});

describe("CdnCustomDomain", () => {
  let resourceId: string;
  const DOMAIN = "pending.domains.example";
  const attached = async () =>
    ((await api(emu, "GET", `/cdn/resource/${resourceId}`)).body.custom_domains as any[]).filter((d) => d.domain_name === DOMAIN);

  beforeAll(async () => {
    await engine.up("CdnResource", "domains-cdn", { name: "pending-domains", storageOrigin: { bucketId } });
    resourceId = engine.get("domains-cdn").id;
  });

  afterAll(() => engine.destroy("domains-cdn"));

  async function lostCreate(logical: string): Promise<string> {
    const err = await loseCreateAndItsLookups(
      emu,
      () => engine.up("CdnCustomDomain", logical, { resourceId, domainName: DOMAIN }),
      ATTACH_DOMAIN,
      READ_RESOURCE,
    );
    expect(err.message).toContain(`Custom domain ${DOMAIN} on CDN resource ${resourceId} may exist`);
    expect(engine.get(logical).id).toMatch(/^pending:/);
    const made = await attached();
    expect(made).toHaveLength(1);
    return made[0].id;
  }

  test("the next up detaches what the lost attach made and attaches it again; refresh adopts it; destroy detaches it", async () => {
    const first = await lostCreate("up");
    const step = await engine.up("CdnCustomDomain", "up", { resourceId, domainName: DOMAIN });
    expect(step.order).toEqual(["delete", "create"]);
    const now = await attached();
    expect(now.map((d) => `${resourceId}/${d.id}`)).toEqual([engine.get("up").id]);
    expect(now[0].id).not.toBe(first);
    await engine.destroy("up");
    expect(await attached()).toHaveLength(0);

    const adopted = await lostCreate("refreshed");
    expect(await engine.refresh("refreshed")).toBe(true);
    expect(engine.get("refreshed").id).toBe(`${resourceId}/${adopted}`);
    await engine.up("CdnCustomDomain", "refreshed", { resourceId, domainName: DOMAIN });
    expect((await attached()).map((d) => d.id)).toEqual([adopted]);
    await engine.destroy("refreshed");

    await lostCreate("destroyed");
    await engine.destroy("destroyed");
    expect(await attached()).toHaveLength(0);
  });
});
