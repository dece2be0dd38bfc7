// What requested and imported certificates share (`/cdn/ssl-certificate`): the API's answer, the
// outputs read from it, the lookup that lets a create adopt what its lost answer made, and the
// delete that waits while custom domains still use the certificate (a replacement attaches the
// new certificate before the engine deletes the old one, and the CDN may take a while to let go).
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { isConflict, isNotFound, type ApiClient } from "../client";
import { dialectOf } from "../mamutecloud/dialect";
import { pendingAmong } from "../pending";
import { statusLine } from "../progress";
import {
  cleared,
  present,
  type Context,
  type InputProperty,
  type OutputProperty,
  type PropertyMap,
  type ResourceDefinition,
} from "../resource";
import { durationMs, durationSchema, formatDuration, waitUntil, WaitTimeoutError } from "../wait";

const validationRecordResponse = z.object({
  domain_name: z.string().optional(),
  name: z.string(),
  type: z.string(),
  value: z.string(),
  status: z.string().optional(),
});

const certificateUser = z.object({
  resource_id: z.string().optional(),
  custom_domain_id: z.string().optional(),
  domain_name: z.string().optional(),
});

/** Unreadable counts as unsaid (see cdn.ts). */
const unsaid = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);

// Read by need: the id, and the status a validation waits on; the names (and an import's
// fingerprint, and the mark in its tags) are what a lost answer's certificate is found by, and
// each missing one only makes that lookup find less. Everything else is copied when said.
const certificateResponse = z.object({
  id: z.string(),
  status: z.string(),
  domain_name: z.string().optional(),
  subject_alternative_names: unsaid(z.array(z.string())),
  type: z.string().optional(),
  validation_records: unsaid(z.array(validationRecordResponse)),
  issuer: z.string().nullish(),
  serial_number: z.string().nullish(),
  not_before: z.string().nullish(),
  not_after: z.string().nullish(),
  fingerprint_sha256: z.string().nullish(),
  in_use_by: unsaid(z.array(certificateUser)),
  issued_at: z.string().nullish(),
  created_at: z.string().optional(),
  // Only an imported certificate has them; the provider's ownership mark is one (createCertificate).
  tags: z
    .array(z.object({ key: z.string(), value: z.string() }))
    .catch([])
    .default([]),
});
export type ApiCertificate = z.infer<typeof certificateResponse>;

/** Whether the certificate is issued: a ready word of the dialect (`issued`). */
export function isIssued(client: ApiClient, cert: ApiCertificate): boolean {
  return dialectOf(client).statusKind(cert.status) === "ready";
}

const certificatePath = (id: string) => `/cdn/ssl-certificate/${encodeURIComponent(id)}`;

export function readCertificate(client: ApiClient, id: string): Promise<ApiCertificate | undefined> {
  return client.find({ operation: `read certificate ${id}`, method: "GET", path: certificatePath(id), response: certificateResponse });
}

function listCertificates(client: ApiClient): Promise<ApiCertificate[]> {
  return client.listAll({ operation: "list certificates", path: "/cdn/ssl-certificate", item: certificateResponse });
}

/** The certificate's own facts; absent until a requested certificate is issued. */
export function certificateFacts(cert: ApiCertificate): PropertyMap {
  const facts = {
    issuer: cert.issuer,
    serialNumber: cert.serial_number,
    notBefore: cert.not_before,
    notAfter: cert.not_after,
    fingerprint: cert.fingerprint_sha256,
    issuedAt: cert.issued_at,
  };
  // null: not there (yet); absent from the answer: unsaid, state keeps its own.
  const said = Object.fromEntries(Object.entries(facts).map(([key, value]) => [key, value ?? undefined]));
  return { ...cleared(facts), ...present({ status: cert.status, ...said, createdAt: cert.created_at }) };
}

export const certificateFactOutputs = {
  status: {
    description: "`pending_validation`, `issued` or `expired`, as the API last reported it.",
    schema: z.string(),
  },
  issuer: { description: "The issuer's distinguished name (once issued).", schema: z.string(), required: false },
  serialNumber: { description: "The certificate's serial number, upper-case hex (once issued).", schema: z.string(), required: false },
  notBefore: { description: "Start of the certificate's validity, ISO 8601 (once issued).", schema: z.string(), required: false },
  notAfter: { description: "End of the certificate's validity (expiry), ISO 8601 (once issued).", schema: z.string(), required: false },
  fingerprint: {
    description: "SHA-256 fingerprint of the certificate: upper-case hex pairs joined by `:` (once issued).",
    schema: z.string(),
    required: false,
  },
  issuedAt: { description: "When the certificate was issued or imported (ISO 8601).", schema: z.string(), required: false },
  createdAt: {
    description: "When the certificate was created, ISO 8601 (when the API says).",
    schema: z.string(),
    required: false,
    typedAsSet: true,
  },
} satisfies Record<string, OutputProperty>;

/** `www.example.com (CDN resource cdn_1, custom domain cd_2)`, joined. */
function describeUsers(cert: ApiCertificate): string {
  return (cert.in_use_by ?? [])
    .map((user) => `${user.domain_name} (CDN resource ${user.resource_id}, custom domain ${user.custom_domain_id})`)
    .join(", ");
}

const DEFAULT_DELETE_TIMEOUT = "30m";

export const deleteTimeoutInput: InputProperty = {
  description:
    "How long deleting the certificate waits while custom domains still use it, as a duration (`30m`, `1h`, `90s`). " +
    "During a replacement the new certificate is attached first and the CDN may take a while to let go of the old one; " +
    "after this the delete fails, naming the custom domains that still use it. Changes in place, no API call.",
  schema: durationSchema,
  default: DEFAULT_DELETE_TIMEOUT,
};

/**
 * Deletes a certificate, retrying while the API answers 409 because a custom domain still uses it,
 * until the certificate's `deleteTimeout`. Already gone counts as deleted.
 */
async function deleteCertificate(ctx: Context, id: string, state: PropertyMap, label: string): Promise<void> {
  const client = ctx.client();
  const timeoutMs = durationMs(state.deleteTimeout, DEFAULT_DELETE_TIMEOUT);
  let lastSeen: ApiCertificate | undefined;
  try {
    await waitUntil({
      what: `${label} to be released by the custom domains that use it, to delete it`,
      poll: async () => {
        try {
          await client.call({ operation: `delete ${label}`, method: "DELETE", path: certificatePath(id) });
          return "deleted";
        } catch (err) {
          if (isNotFound(err)) return "deleted";
          if (!isConflict(err)) throw err;
          lastSeen = await readCertificate(client, id);
          if (lastSeen === undefined) return "deleted";
          return lastSeen.in_use_by?.length ? `in use by ${describeUsers(lastSeen)}` : `refused: ${err.message}`;
        }
      },
      status: (outcome) => outcome,
      done: (outcome) => outcome === "deleted",
      timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const inUse = lastSeen?.in_use_by?.length ? lastSeen : undefined;
    throw new Error(
      `cannot delete ${label}: after ${formatDuration(err.elapsedMs)} ` +
        (inUse
          ? `it is still used by ${describeUsers(inUse)}. Point those custom domains at another certificate (certificateId) ` +
            "or delete them, then run the operation again; or raise deleteTimeout if the CDN is still deploying the change."
          : `the API still refuses (${err.lastStatus}).`),
    );
  }
}

/**
 * What identifies the certificate a create makes, among those new since it began: a requested
 * one by its names, an imported one by its fingerprint. Kept in a create's trace (pending.ts).
 */
export type CertificateKey =
  { type: "requested"; domainName: string; subjectAlternativeNames: string } | { type: "imported"; fingerprint: string };

/** Names as a trace key holds them: a set, sorted, comma-joined (a domain name has no comma). */
export function namesKey(names: readonly string[]): string {
  return [...new Set(names)].sort().join(",");
}

/**
 * Whether a listed certificate holds the key a create looks for: checked here on every name,
 * whatever the server did with the list. A type the API does not say does not rule one out.
 */
function matchesKey(cert: ApiCertificate, key: Record<string, string>): boolean {
  const lower = (name: string) => name.toLowerCase().replace(/\.$/, "");
  if (key.type === "imported") {
    return (cert.type ?? "imported") === "imported" && cert.fingerprint_sha256?.toUpperCase() === key.fingerprint.toUpperCase();
  }
  return (
    (cert.type ?? "requested") === "requested" &&
    cert.domain_name !== undefined &&
    lower(cert.domain_name) === key.domainName &&
    namesKey((cert.subject_alternative_names ?? []).map(lower).filter((name) => name !== key.domainName)) === key.subjectAlternativeNames
  );
}

/**
 * Certificate ids a create in this process made or adopted: a create that lost its answer never
 * adopts one of them (two resources with the same names would otherwise share one certificate).
 */
const claimed = new Set<string>();

/** The tag an imported certificate carries its ownership mark in (naming.ts). */
export const MARK_TAG = "pulumi-mamutecloud-mark";

/**
 * Requests or imports a certificate. Names are not unique (the API accepts the same request twice),
 * so after a lost answer the certificate this create made is the one matching `key` that is new
 * since a list taken before the first attempt; two such cannot be told apart, and neither is
 * adopted (the create leaves a trace).
 */
export async function createCertificate(
  client: ApiClient,
  request: { operation: string; what: string; path: string; body: unknown; key: CertificateKey; mark?: string },
): Promise<ApiCertificate> {
  const { operation, mark } = request;
  const key: Record<string, string> = { ...request.key };
  const carriesMark = (cert: ApiCertificate) => mark !== undefined && cert.tags.some((tag) => tag.key === MARK_TAG && tag.value === mark);
  // An answer that does not show the fingerprint cannot be matched by it: this create's mark stands in.
  const matching = async () =>
    (await listCertificates(client)).filter((cert) => matchesKey(cert, key) || (cert.fingerprint_sha256 == null && carriesMark(cert)));
  const listed = await matching();
  // A certificate carrying this create's mark was made by an earlier attempt of this very create,
  // interrupted before the engine heard of it (a certificate has no unique key: no 409 would say so).
  const earlier = listed.filter((cert) => !claimed.has(cert.id) && carriesMark(cert));
  if (earlier.length === 1) {
    statusLine(
      `${request.what} already exists (${earlier[0].id}, created ${earlier[0].created_at}) with the mark of this resource: an ` +
        "earlier `pulumi up` was interrupted while creating it. Adopting it.",
    );
    claimed.add(earlier[0].id);
    return earlier[0];
  }
  const before = new Set(listed.map((cert) => cert.id));
  const created = await createAdopting({
    client,
    key,
    what: request.what,
    idOf: (found) => found.id,
    create: () => client.call({ operation, method: "POST", path: request.path, body: request.body, response: certificateResponse }),
    newSinceBefore: true,
    lookup: async () => (await matching()).filter((cert) => !before.has(cert.id) && !claimed.has(cert.id)),
    excluded: async () => [...before, ...claimed],
    createdAt: (found) => found.created_at,
    // Certificates hold no unique key, so a refusal is the API's reason, not a name someone holds.
    conflict: (_found, cause) => new CreateConflictError(`${operation} was refused: ${cause?.message ?? "conflict"}`),
  });
  claimed.add(created.id);
  return created;
}

function ambiguousCertificates(what: string, ids: string[]): Error {
  return new Error(
    `certificates ${ids.join(", ")} were all made while the create of this ${what} had no answer: one is probably ` +
      "this stack's, the others someone else's, and nothing tells them apart, so none is adopted or deleted. Ask who " +
      "else requests or imports these names which are theirs and delete the others; the next `pulumi up` then leaves " +
      "the ones still there alone and creates a new one.",
  );
}

/** Read, update and delete, the same for both kinds; `what` names the kind in messages. */
export function certificateOperations(
  what: string,
  outputsOf: (cert: ApiCertificate) => PropertyMap,
): Pick<ResourceDefinition, "read" | "update" | "delete" | "findPending"> {
  return {
    async findPending(ctx, trace) {
      const listed = (await listCertificates(ctx.client())).filter((cert) => matchesKey(cert, trace.key));
      const found = pendingAmong(
        trace,
        listed,
        (cert) => cert.id,
        (cert) => cert.created_at,
        (ids) => ambiguousCertificates(what, ids),
      );
      if (found) claimed.add(found.id);
      return found && { id: found.id, outs: outputsOf(found) };
    },
    async read(ctx, id) {
      const found = await readCertificate(ctx.client(), id);
      return found && outputsOf(found);
    },
    // Only deleteTimeout changes in place, and only delete uses it.
    async update() {
      return {};
    },
    async delete(ctx, id, state) {
      await deleteCertificate(ctx, id, state, `${what} ${id} (${state.domainName})`);
    },
  };
}
