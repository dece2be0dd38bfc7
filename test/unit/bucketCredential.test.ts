// BucketCredential's pure parts (id, check, diff) and the one race the emulator cannot stage on
// demand: a create that lost its response looks up while another create's answer is still on its
// way. A scripted client decides when each answer arrives.
import { ApiError, type ApiCall, type ApiClient } from "../../provider/client";
import { bucketCredential, credentialId, parseCredentialId } from "../../provider/resources/bucketCredential";
import { checkInputs, diffInputs, UNKNOWN, type Context, type PropertyMap } from "../../provider/resource";

test("the id is <bucketId>/<accessKeyId> and parses back; anything else is refused with the expected shape", () => {
  expect(credentialId("bkt_1", "MCAK1")).toBe("bkt_1/MCAK1");
  expect(parseCredentialId("bkt_1/MCAK1")).toEqual({ bucketId: "bkt_1", accessKeyId: "MCAK1" });
  for (const bad of ["", "bkt_1", "/MCAK1", "bkt_1/", "a/b/c"]) {
    expect(() => parseCredentialId(bad)).toThrow(/is not a BucketCredential id: expected <bucketId>\/<accessKeyId>/);
  }
});

test("check: defaults, unknowns left alone, one failure per property", () => {
  expect(checkInputs(bucketCredential, {}, { bucketId: "bkt_1" })).toEqual({ inputs: { bucketId: "bkt_1", active: true }, failures: [] });
  expect(checkInputs(bucketCredential, {}, { bucketId: UNKNOWN, active: UNKNOWN }).failures).toEqual([]);
  const { failures } = checkInputs(bucketCredential, {}, { bucketId: "a b", active: 1, rotation: false });
  expect(failures.map((f) => f.property).sort()).toEqual(["active", "bucketId", "rotation"]);
});

describe("diff", () => {
  const olds: PropertyMap = { bucketId: "bkt_1", active: true, accessKeyId: "MCAK1", secretAccessKey: "s".repeat(40), status: "active" };

  test("same inputs: no change; active and rotation in place; bucketId replaces", () => {
    expect(diffInputs(bucketCredential, olds, { bucketId: "bkt_1", active: true })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffInputs(bucketCredential, olds, { bucketId: "bkt_1", active: false }).replaces).toEqual([]);
    expect(diffInputs(bucketCredential, olds, { bucketId: "bkt_1", active: true, rotation: "r" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(diffInputs(bucketCredential, { ...olds, rotation: "r" }, { bucketId: "bkt_1", active: true })).toMatchObject({ changes: true });
    expect(diffInputs(bucketCredential, { ...olds, rotation: null }, { bucketId: "bkt_1", active: true }).changes).toBe(false);
    expect(diffInputs(bucketCredential, olds, { bucketId: "bkt_2", active: true }).replaces).toEqual(["bucketId"]);
    expect(diffInputs(bucketCredential, olds, { bucketId: UNKNOWN, active: true }).replaces).toEqual(["bucketId"]);
  });

  test("a credential whose secret the stack lost is an in-place change, whatever the inputs", () => {
    const { secretAccessKey: _lost, ...secretless } = olds;
    expect(diffInputs(bucketCredential, secretless, { bucketId: "bkt_1", active: true })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

interface FakeCredential {
  access_key_id: string;
  bucket_id: string;
  user_name: string;
  status: string;
  created_at: string;
  secret: string;
}

/** The API's credential routes in memory; `onCreate` decides how each create's answer arrives. */
function scriptedClient(onCreate: (n: number, made: FakeCredential) => Promise<void>) {
  const credentials: FakeCredential[] = [];
  const calls: string[] = [];
  let creates = 0;
  let serial = 0;
  const view = ({ secret: _s, ...rest }: FakeCredential) => rest;
  const client = {
    config: { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2, rateLimitTimeoutMs: 1000 } },
    serverNow: () => Date.now(),
    stampTime: (at: number) => ({ at, toleranceMs: 1000 }),
    async listAll(call: { path: string }) {
      calls.push(`GET ${call.path}`);
      // Answered as of the moment it is asked.
      const snapshot = credentials.map(view);
      await Promise.resolve();
      return snapshot;
    },
    async call(call: ApiCall<unknown>) {
      calls.push(`${call.method} ${call.path}`);
      if (call.method === "POST" && call.path.endsWith("/credentials")) {
        const made: FakeCredential = {
          access_key_id: `MCAK${String(++serial).padStart(16, "0")}`,
          bucket_id: "bkt_1",
          user_name: `s3-b-${serial}`,
          status: "active",
          created_at: new Date().toISOString(),
          secret: `secret-${serial}-${"x".repeat(30)}`,
        };
        credentials.push(made);
        await onCreate(++creates, made);
        return { ...view(made), secret_access_key: made.secret };
      }
      const regenerate = call.path.match(/credentials\/(MCAK\d+)\/regenerate$/);
      if (regenerate) {
        const found = credentials.find((c) => c.access_key_id === regenerate[1])!;
        found.secret = `regenerated-${found.access_key_id}`;
        return { ...view(found), secret_access_key: found.secret };
      }
      throw new Error(`unscripted call ${call.method} ${call.path}`);
    },
  };
  return { client: client as unknown as ApiClient, credentials, calls };
}

const lost = () => new ApiError({ operation: "create credential", apiMessage: "no answer (UND_ERR_SOCKET)", outcomeUnknown: true });

test("a lost create waits for another create's answer in flight, so each adopts only its own credential", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // The first create is applied at once but its answer is held; the second is applied and lost.
  const { client, calls } = scriptedClient(async (n) => {
    if (n === 1) await held;
    else throw lost();
  });
  const ctx: Context = { client: () => client };
  const first = bucketCredential.create(ctx, { bucketId: "bkt_1", active: true });
  const second = bucketCredential.create(ctx, { bucketId: "bkt_1", active: true });
  // The second create's lookup must not finish while the first answer is on its way: the older
  // credential in the list is the first create's, not yet claimed.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(calls.filter((c) => c.endsWith("/regenerate"))).toEqual([]);
  release();
  const [a, b] = await Promise.all([first, second]);
  expect(a.outs.accessKeyId).toBe("MCAK0000000000000001");
  expect(a.outs.secretAccessKey).toBe(`secret-1-${"x".repeat(30)}`);
  expect(b.outs.accessKeyId).toBe("MCAK0000000000000002");
  expect(b.outs.secretAccessKey).toBe("regenerated-MCAK0000000000000002");
  expect(b.id).toBe("bkt_1/MCAK0000000000000002");
  expect(calls.filter((c) => c.endsWith("/regenerate"))).toEqual([
    "POST /object-storage/buckets/bkt_1/credentials/MCAK0000000000000002/regenerate",
  ]);
});

test("a create that is lost and left nothing behind is tried again, and nothing is adopted", async () => {
  const { client, credentials, calls } = scriptedClient(async (n, made) => {
    if (n === 1) {
      credentials.splice(credentials.indexOf(made), 1); // refused before it was applied
      throw lost();
    }
  });
  const created = await bucketCredential.create({ client: () => client }, { bucketId: "bkt_1", active: true });
  expect(created.outs.accessKeyId).toBe("MCAK0000000000000002");
  expect(calls.filter((c) => c.startsWith("POST"))).toHaveLength(2);
  expect(calls.some((c) => c.endsWith("/regenerate"))).toBe(false);
});
