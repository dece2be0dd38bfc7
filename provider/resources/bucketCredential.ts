// BucketCredential: an S3 access key scoped to one bucket (`/object-storage/buckets/{id}/credentials`).
// The API shows the secret only on create and on regenerate, so the secret lives in state alone:
// `read` keeps it from there, and every secret received is registered for redaction at once.
// `active` and `rotation` change in place (activate/deactivate, regenerate); `bucketId` replaces.
// The id `<bucketId>/<accessKeyId>` is all `read` needs, because the API finds a key only
// through its bucket.
// About 400 lines: the create that adopts by comparing lists and the once-shown secret are one story.
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { isNotFound, ApiError, UnreadableAnswerError, type ApiClient } from "../client";
import { dialectOf } from "../mamutecloud/dialect";
import { joinChildId, parentIdSchema, splitChildId } from "../childId";
import { pendingAmong } from "../pending";
import { registerSecret } from "../redact";
import { present, ResourceInitError, type InputProperty, type PropertyMap, defineLookup, defineResource } from "../resource";
import { unlessGone } from "../gone";

// Read by need: the access key id is what a credential is known by, the secret what it must keep;
// the rest is copied to outputs when the API says it (the documents promise only
// `{ access_key_id, secret_access_key }`).
const credentialResponse = z.object({
  access_key_id: z.string(),
  user_name: z.string().optional(),
  status: z.string().optional(),
  created_at: z.string().optional(),
});
type ApiCredential = z.infer<typeof credentialResponse>;

const credentialWithSecret = credentialResponse.extend({ secret_access_key: z.string() });

/** The secret a create's answer carries even when the rest of it cannot be read. */
function secretIn(answer: unknown): string | undefined {
  const secret = answer !== null && typeof answer === "object" ? (answer as Record<string, unknown>).secret_access_key : undefined;
  return typeof secret === "string" && secret !== "" ? secret : undefined;
}

const bucketIdSchema = parentIdSchema("a bucket id (a Bucket's `id` output, e.g. bkt_5f2c9d1e8a7b4c3d)");

/**
 * Access key ids that a create in this process made or adopted. A create that lost its response
 * adopts only a credential nobody here has claimed, so two creates on one bucket can never both
 * take the same key (the second would regenerate the first one's secret).
 */
const claimed = new Map<string, string>();

/** Keys this process made or adopted on a bucket. */
function claimedOn(bucketId: string): string[] {
  return [...claimed].filter(([, bucket]) => bucket === bucketId).map(([key]) => key);
}

/**
 * Create calls still in flight, per bucket. A lookup waits for them: a call that succeeds claims
 * its key when it settles, and until then its credential would look unclaimed.
 */
const pendingCreates = new Map<string, Set<Promise<unknown>>>();

function track(bucketId: string, attempt: Promise<unknown>): void {
  let pending = pendingCreates.get(bucketId);
  if (!pending) pendingCreates.set(bucketId, (pending = new Set()));
  pending.add(attempt);
  const done = () => {
    pending.delete(attempt);
    if (pending.size === 0 && pendingCreates.get(bucketId) === pending) pendingCreates.delete(bucketId);
  };
  // Both branches handled, so a failed attempt is not reported as an unhandled rejection here.
  attempt.then(done, done);
}

/**
 * Creates in this process, per bucket, whose answer was lost and that have not settled yet: as
 * many new credentials as there are of them can all be this stack's.
 */
const unanswered = new Map<string, number>();

function countUnanswered(bucketId: string, change: number): void {
  const count = (unanswered.get(bucketId) ?? 0) + change;
  if (count > 0) unanswered.set(bucketId, count);
  else unanswered.delete(bucketId);
}

async function otherCreatesSettled(bucketId: string): Promise<void> {
  const pending = pendingCreates.get(bucketId);
  if (pending && pending.size > 0) await Promise.allSettled([...pending]);
}

export const credentialId = joinChildId;

export function parseCredentialId(id: string): { bucketId: string; accessKeyId: string } {
  const [bucketId, accessKeyId] = splitChildId(
    id,
    "BucketCredential",
    "<bucketId>/<accessKeyId>",
    "bkt_5f2c9d1e8a7b4c3d/MCAK7Q2X9L4M0B8N3V5C",
  );
  return { bucketId, accessKeyId };
}

const credentialsPath = (bucketId: string) => `/object-storage/buckets/${encodeURIComponent(bucketId)}/credentials`;
const credentialPath = (bucketId: string, accessKeyId: string) => `${credentialsPath(bucketId)}/${encodeURIComponent(accessKeyId)}`;

/** What the API says about a credential (never the secret); `bucketId` stays the caller's. */
function outputsOf(client: ApiClient, credential: ApiCredential): PropertyMap {
  return present({
    accessKeyId: credential.access_key_id,
    userName: credential.user_name,
    status: credential.status,
    createdAt: credential.created_at,
    // Unsaid, `active` stays what was asked (create) or last known (read).
    active: credential.status === undefined ? undefined : dialectOf(client).statusKind(credential.status) === "ready",
  });
}

function listCredentials(client: ApiClient, bucketId: string): Promise<ApiCredential[]> {
  return client.listAll({ operation: `list credentials of bucket ${bucketId}`, path: credentialsPath(bucketId), item: credentialResponse });
}

/** The bucket's credentials, or undefined when the bucket is gone (and its credentials with it). */
async function credentialsIfBucket(client: ApiClient, bucketId: string): Promise<ApiCredential[] | undefined> {
  return unlessGone(() => listCredentials(client, bucketId));
}

/** A 404 on a call about an existing credential: it (or its bucket) was deleted outside the stack. */
function goneError(bucketId: string, accessKeyId: string, action: string, cause: ApiError): Error {
  return new Error(
    `cannot ${action} credential ${accessKeyId} of bucket ${bucketId}: it no longer exists (${cause.message}). ` +
      "Run `pulumi refresh` to drop it from the stack; the next `pulumi up` creates a new one.",
  );
}

/** What an answer says about the credential `accessKeyId`, or only its id when it cannot be read. */
function knownCredential(answer: unknown, accessKeyId: string): ApiCredential {
  const parsed = credentialResponse.partial().safeParse(answer ?? {});
  return { ...(parsed.success ? parsed.data : {}), access_key_id: accessKeyId };
}

async function setActive(client: ApiClient, bucketId: string, accessKeyId: string, active: boolean): Promise<ApiCredential> {
  const action = active ? "activate" : "deactivate";
  try {
    const answer = await client.call({
      operation: `${action} credential ${accessKeyId} of bucket ${bucketId}`,
      method: "POST",
      path: `${credentialPath(bucketId, accessKeyId)}/${action}`,
      // Nothing in the answer is needed: what it says is copied to outputs when it can be read.
      response: z.unknown(),
      // Setting a status twice is the same as once.
      retry: "safe",
    });
    return knownCredential(answer, accessKeyId);
  } catch (err) {
    if (isNotFound(err)) throw goneError(bucketId, accessKeyId, action, err);
    throw err;
  }
}

async function regenerate(
  client: ApiClient,
  bucketId: string,
  accessKeyId: string,
): Promise<{ credential: ApiCredential; secret: string }> {
  try {
    const answer = await client.call({
      operation: `regenerate the secret of credential ${accessKeyId} of bucket ${bucketId}`,
      method: "POST",
      path: `${credentialPath(bucketId, accessKeyId)}/regenerate`,
      // The new secret is all it needs; the key id stays the one asked about.
      response: z.object({ secret_access_key: z.string() }).passthrough(),
      // A repeat only replaces a secret nobody has seen yet with another: the last answer wins.
      retry: "safe",
    });
    registerSecret(answer.secret_access_key);
    return { credential: knownCredential(answer, accessKeyId), secret: answer.secret_access_key };
  } catch (err) {
    if (isNotFound(err)) throw goneError(bucketId, accessKeyId, "regenerate the secret of", err);
    throw err;
  }
}

/**
 * A credential whose secret its create lost must get a new one. One that was imported never had
 * its secret in the stack (`__secretNeverSeen`): it keeps working, and `rotation` gives it one.
 */
function secretMissing(olds: PropertyMap): boolean {
  return typeof olds.accessKeyId === "string" && typeof olds.secretAccessKey !== "string" && olds.__secretNeverSeen !== true;
}

function rotationChanged(olds: PropertyMap, news: PropertyMap): boolean {
  return (olds.rotation ?? null) !== (news.rotation ?? null);
}

function ambiguousCredentials(bucketId: string, ids: string[]): Error {
  return new Error(
    `credentials ${ids.join(", ")} of bucket ${bucketId} were all made while this stack's create had no answer: one is ` +
      "probably this stack's (its secret was never seen), the others someone else's, and nothing tells them apart, so " +
      "none is adopted or deleted. Ask who else creates credentials on this bucket which are theirs and revoke the " +
      "others; the next `pulumi up` then leaves the ones still there alone and creates a new credential.",
  );
}

interface Made {
  credential: ApiCredential;
  /** Only when this process saw the create's answer; an adopted credential has none yet. */
  secret?: string;
}

const bucketCredentialInputs = {
  bucketId: {
    description: "Id of the bucket the credential opens (a Bucket's `id`, not its name). Changing it replaces the credential.",
    outputDescription: "The id of the only bucket this credential opens.",
    schema: bucketIdSchema,
    required: true,
    replaceOnChange: true,
  },
  active: {
    description: "Whether S3 accepts the credential. Changing it activates or deactivates the credential in place; the secret stays.",
    outputDescription: "Whether the credential is active, as the API last reported it.",
    schema: z.boolean(),
    default: true,
  },
  rotation: {
    description:
      "Any string. Changing it (setting, changing or removing it) regenerates the secret in place; the access key id stays " +
      "and the old secret stops working at once.",
    outputDescription: "The `rotation` input last applied; a change regenerated the secret.",
    schema: z.string(),
  },
} satisfies Record<string, InputProperty>;

export const bucketCredential = defineResource({
  kind: "BucketCredential",
  description:
    "An S3 access key (access key id + secret access key) that opens only its bucket. The secret is shown by the API " +
    "once, so it is kept in state (as a secret) and `refresh` keeps it from there.",
  inputs: bucketCredentialInputs,
  outputs: {
    accessKeyId: { description: "The S3 access key id; stays the same across rotations.", schema: z.string() },
    secretAccessKey: {
      description:
        "The S3 secret access key. Changes when `rotation` changes. Absent for a credential known only by its id, imported " +
        "(the API never shows a secret again).",
      schema: z.string(),
      secret: true,
      // Always set for a credential the stack created, which is what programs pass on (to a SyncedFolder): the
      // SDKs type it as set, so Go and Java programs pass it without unwrapping an optional.
      setByCreate: true,
    },
    userName: { description: "The user name the API gave the credential.", schema: z.string() },
    status: { description: "`active` or `inactive`, as the API reports it.", schema: z.string() },
    createdAt: { description: "When the credential was created (ISO 8601).", schema: z.string() },
  },

  // A credential whose secret the stack lost is updated (regenerated) even when nothing else changed.
  same: {
    rotation: (old, next, olds) => (old ?? null) === (next ?? null) && !secretMissing(olds),
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { bucketId } = inputs;
    const active = inputs.active !== false;

    let before: Set<string>;
    try {
      before = new Set((await listCredentials(client, bucketId)).map((credential) => credential.access_key_id));
    } catch (err) {
      if (isNotFound(err)) {
        throw new Error(
          `cannot create a credential for bucket "${bucketId}": the bucket does not exist (${err.message}). ` +
            "bucketId takes a bucket's id (a Bucket's `id` output), not its name.",
        );
      }
      throw err;
    }

    let lostAnswer = false;
    /** A secret from a create's answer that could not be read otherwise: kept, not regenerated. */
    let unreadSecret: string | undefined;
    const made = await createAdopting<Made>({
      client,
      key: { bucketId },
      what: `a credential on bucket ${bucketId}`,
      idOf: (found) => found.credential.access_key_id,
      create: () => {
        const attempt = client
          .call({
            operation: `create credential for bucket ${bucketId}`,
            method: "POST",
            path: credentialsPath(bucketId),
            response: credentialWithSecret,
            retry: "create",
          })
          .then((answer): Made => {
            registerSecret(answer.secret_access_key);
            // Claimed as it arrives, before any lookup waiting on this attempt resumes.
            claimed.set(answer.access_key_id, bucketId);
            const { secret_access_key: secret, ...credential } = answer;
            return { credential, secret };
          });
        track(bucketId, attempt);
        return attempt.catch((err: unknown) => {
          if (err instanceof UnreadableAnswerError) {
            unreadSecret = secretIn(err.answer) ?? unreadSecret;
            registerSecret(unreadSecret);
          }
          if (err instanceof ApiError && err.outcomeUnknown && !lostAnswer) {
            lostAnswer = true;
            countUnanswered(bucketId, 1);
          }
          throw err;
        });
      },
      // No unique name to look for: a credential this create may have made is one that is new
      // since `before` and that no other create in this process has taken. Time decides nothing,
      // so a server clock that stamps late or early cannot matter.
      newSinceBefore: true,
      lookup: async () => {
        for (;;) {
          await otherCreatesSettled(bucketId);
          const now = await listCredentials(client, bucketId);
          // A create that began during the list may have made a credential it has not claimed yet.
          if (pendingCreates.has(bucketId)) continue;
          const fresh = now
            .filter((credential) => !before.has(credential.access_key_id) && !claimed.has(credential.access_key_id))
            .map((credential) => ({ credential }));
          // No more new credentials than this stack's creates that lost their answers: any of them
          // is this stack's, and each such create takes one. More: someone else made one too.
          return fresh.length <= (unanswered.get(bucketId) ?? 0) ? fresh.slice(0, 1) : fresh;
        }
      },
      adopt: (found) => claimed.set(found.credential.access_key_id, bucketId),
      excluded: async () => {
        await otherCreatesSettled(bucketId);
        return [...before, ...claimedOn(bucketId)];
      },
      createdAt: (found) => found.credential.created_at,
      conflict: (_found, cause) =>
        new CreateConflictError(`create credential for bucket ${bucketId} was refused: ${cause?.message ?? "conflict"}`),
    }).finally(() => {
      if (lostAnswer) countUnanswered(bucketId, -1);
    });

    const id = credentialId(bucketId, made.credential.access_key_id);
    let outs: PropertyMap = { ...outputsOf(client, made.credential) };
    // When a follow-up fails the engine keeps the credential as it is so far (the handler adds the
    // inputs and the shim, as for a successful create), and the next `up` finishes the job.
    const soFar = (reason: string, cause: unknown) => {
      const detail = cause instanceof Error ? cause.message : String(cause);
      return new ResourceInitError(`${reason}: ${detail}`, id, { ...outs });
    };

    // A secret seen in an answer otherwise unread belongs to the one credential adopted after it:
    // a 2xx made exactly one, and no other create here took it (`claimed`).
    const secret = made.secret ?? unreadSecret;
    if (secret !== undefined) {
      outs.secretAccessKey = secret;
    } else {
      // Adopted after a lost response: that response carried the only copy of the secret.
      try {
        const fresh = await regenerate(client, bucketId, made.credential.access_key_id);
        outs = { ...outs, ...outputsOf(client, fresh.credential), secretAccessKey: fresh.secret };
      } catch (err) {
        throw soFar(
          `credential ${made.credential.access_key_id} of bucket ${bucketId} was created, but the answer carrying its secret ` +
            "was lost and regenerating the secret failed. It is kept in the stack; the next `pulumi up` regenerates its secret",
          err,
        );
      }
    }

    if (!active) {
      try {
        outs = { ...outs, ...outputsOf(client, await setActive(client, bucketId, made.credential.access_key_id, false)) };
      } catch (err) {
        throw soFar(
          `credential ${made.credential.access_key_id} of bucket ${bucketId} was created but could not be deactivated, so ` +
            "it is still active. It is kept in the stack; the next `pulumi up` deactivates it",
          err,
        );
      }
    }
    return { id, outs };
  },

  async findPending(ctx, trace) {
    const bucketId = trace.key.bucketId;
    const listed = await credentialsIfBucket(ctx.client(), bucketId);
    if (listed === undefined) return undefined;
    const found = pendingAmong(
      trace,
      listed,
      (credential) => credential.access_key_id,
      (credential) => credential.created_at,
      (ids) => ambiguousCredentials(bucketId, ids),
    );
    return found && { id: credentialId(bucketId, found.access_key_id), outs: { bucketId, ...outputsOf(ctx.client(), found) } };
  },

  async read(ctx, id, state) {
    const { bucketId, accessKeyId } = parseCredentialId(id);
    const credentials = await credentialsIfBucket(ctx.client(), bucketId);
    const found = credentials?.find((credential) => credential.access_key_id === accessKeyId);
    // The secret is not in the answer: the one in state (if any) is kept by not returning it.
    const imported = typeof state.accessKeyId !== "string";
    return found && { bucketId, ...outputsOf(ctx.client(), found), ...(imported ? { __secretNeverSeen: true } : {}) };
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    const { bucketId, accessKeyId } = parseCredentialId(id);
    let outs: PropertyMap = {};
    const active = news.active !== false;
    // Status first, rotation last: if the status change fails, no new secret has been made yet
    // that the engine (keeping the old state) would lose.
    if (olds.active !== active) {
      outs = { ...outs, ...outputsOf(client, await setActive(client, bucketId, accessKeyId, active)) };
    }
    if (rotationChanged(olds, news) || secretMissing(olds)) {
      const fresh = await regenerate(client, bucketId, accessKeyId);
      outs = { ...outs, ...outputsOf(client, fresh.credential), secretAccessKey: fresh.secret, __secretNeverSeen: undefined };
    }
    return outs;
  },

  // The API never shows a secret again: a credential found by lookup has no `secretAccessKey`.
  lookup: defineLookup({
    description: "An existing credential of a bucket, by its access key id (without its secret, which the API shows only once).",
    args: {
      bucketId: { ...bucketCredentialInputs.bucketId, replaceOnChange: false },
      accessKeyId: { description: "The credential's S3 access key id.", schema: z.string().min(1), required: true },
    },
    find: async (_ctx, args) => credentialId(args.bucketId, args.accessKeyId),
  }),

  async delete(ctx, id) {
    const { bucketId, accessKeyId } = parseCredentialId(id);
    // Gone: already revoked, or its bucket deleted (which revokes it).
    await unlessGone(() =>
      ctx.client().call({
        operation: `revoke credential ${accessKeyId} of bucket ${bucketId}`,
        method: "DELETE",
        path: credentialPath(bucketId, accessKeyId),
      }),
    );
  },
});
