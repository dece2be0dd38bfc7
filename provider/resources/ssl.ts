// What requested and imported certificates share (`/cdn/ssl-certificate`): the API's answer, the
// outputs read from it, the lookup that lets a create adopt what its lost answer made, and the
// delete that waits while custom domains still use the certificate (a replacement attaches the
// new certificate before the engine deletes the old one, and the CDN may take a while to let go).
import { z } from "zod";
import { createAdopting, CreateConflictError } from "../adopt";
import { MamuteApiError, type MamuteClient } from "../client";
import type { Context, InputProperty, OutputProperty, PropertyMap, ResourceDefinition } from "../resource";
import { durationMs, durationSchema, formatDuration, waitUntil, WaitTimeoutError } from "../wait";

const validationRecordResponse = z.object({
  domain_name: z.string(),
  name: z.string(),
  type: z.string(),
  value: z.string(),
  status: z.string(),
});

const certificateUser = z.object({ resource_id: z.string(), custom_domain_id: z.string(), domain_name: z.string() });

const certificateResponse = z.object({
  id: z.string(),
  domain_name: z.string(),
  subject_alternative_names: z.array(z.string()),
  type: z.string(),
  status: z.string(),
  validation_records: z.array(validationRecordResponse),
  issuer: z.string().nullable(),
  serial_number: z.string().nullable(),
  not_before: z.string().nullable(),
  not_after: z.string().nullable(),
  fingerprint_sha256: z.string().nullable(),
  in_use_by: z.array(certificateUser),
  issued_at: z.string().nullable(),
  created_at: z.string(),
});
export type ApiCertificate = z.infer<typeof certificateResponse>;

export const ISSUED = "issued";

const certificatePath = (id: string) => `/cdn/ssl-certificate/${encodeURIComponent(id)}`;

export function readCertificate(client: MamuteClient, id: string): Promise<ApiCertificate | undefined> {
  return client.find({ operation: `read certificate ${id}`, method: "GET", path: certificatePath(id), response: certificateResponse });
}

function listCertificates(client: MamuteClient): Promise<ApiCertificate[]> {
  return client.listAll({ operation: "list certificates", path: "/cdn/ssl-certificate", item: certificateResponse });
}

/** The certificate's own facts; absent until a requested certificate is issued. */
export function certificateFacts(cert: ApiCertificate): PropertyMap {
  return {
    status: cert.status,
    issuer: cert.issuer ?? undefined,
    serialNumber: cert.serial_number ?? undefined,
    notBefore: cert.not_before ?? undefined,
    notAfter: cert.not_after ?? undefined,
    fingerprint: cert.fingerprint_sha256 ?? undefined,
    issuedAt: cert.issued_at ?? undefined,
    createdAt: cert.created_at,
  };
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
  createdAt: { description: "When the certificate was created (ISO 8601).", schema: z.string() },
} satisfies Record<string, OutputProperty>;

/** `www.example.com (CDN resource cdn_1, custom domain cd_2)`, joined. */
function describeUsers(cert: ApiCertificate): string {
  return cert.in_use_by
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
          if (err instanceof MamuteApiError && err.isNotFound) return "deleted";
          if (!(err instanceof MamuteApiError && err.isConflict)) throw err;
          lastSeen = await readCertificate(client, id);
          if (lastSeen === undefined) return "deleted";
          return lastSeen.in_use_by.length ? `in use by ${describeUsers(lastSeen)}` : `refused: ${err.message}`;
        }
      },
      status: (outcome) => outcome,
      done: (outcome) => outcome === "deleted",
      timeoutMs,
    });
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const inUse = lastSeen?.in_use_by.length ? lastSeen : undefined;
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
 * Requests or imports a certificate, adopting after a lost answer the certificate this create made:
 * one matching `matches` that did not exist before the first attempt. Two such candidates cannot
 * be told apart, so neither is adopted.
 */
export async function createCertificate(
  client: MamuteClient,
  request: { operation: string; path: string; body: unknown; matches: (cert: ApiCertificate) => boolean },
): Promise<ApiCertificate> {
  const { operation, matches } = request;
  const before = new Set((await listCertificates(client)).filter(matches).map((cert) => cert.id));
  let outcomeUnknown = false;
  try {
    return await createAdopting({
      client,
      create: () =>
        client.call({ operation, method: "POST", path: request.path, body: request.body, response: certificateResponse }).catch((err: unknown) => {
          if (err instanceof MamuteApiError && err.outcomeUnknown) outcomeUnknown = true;
          throw err;
        }),
      lookup: async () => {
        const fresh = (await listCertificates(client)).filter((cert) => matches(cert) && !before.has(cert.id));
        if (fresh.length > 1) {
          throw new CreateConflictError(
            `${operation}: the answer to the create was lost and ${fresh.length} matching certificates appeared meanwhile ` +
              `(${fresh.map((cert) => cert.id).join(", ")}), so none was adopted. Delete the ones you do not use, then run \`pulumi up\` again.`,
          );
        }
        return fresh[0];
      },
      createdAt: (found) => found.created_at,
      conflict: (found, cause) =>
        new CreateConflictError(
          found
            ? `${operation}: certificate ${found.id} matches but is dated before this create began, so it was not adopted`
            : `${operation} was refused: ${cause?.message ?? "conflict"}`,
        ),
    });
  } catch (err) {
    if (outcomeUnknown && err instanceof Error && !(err instanceof CreateConflictError)) {
      err.message +=
        ". A certificate may have been created without reaching this stack: list your certificates (GET /cdn/ssl-certificate) " +
        "and delete any you do not know before running `pulumi up` again.";
    }
    throw err;
  }
}

/** Read, update and delete, the same for both kinds; `what` names the kind in messages. */
export function certificateOperations(
  what: string,
  outputsOf: (cert: ApiCertificate) => PropertyMap,
): Pick<ResourceDefinition, "read" | "update" | "delete"> {
  return {
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
