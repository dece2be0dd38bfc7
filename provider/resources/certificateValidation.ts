// CertificateValidation: no API object of its own. Its create waits until the certificate is
// issued, so that what depends on it (a custom domain using the certificate) is made only then.
// A wait that times out leaves nothing in state, so the next `up` simply waits again; a refresh
// that finds the certificate no longer issued (deleted, expired) drops it for the same reason.
import { z } from "zod";
import { parentIdSchema } from "../childId";
import { dialectOf } from "../mamutecloud/dialect";
import { normalStatus } from "../client/dialect";
import { present, type PropertyMap, defineResource } from "../resource";
import { durationMs, durationSchema, waitUntil, WaitTimeoutError } from "../wait";
import { isIssued, readCertificate, type ApiCertificate } from "./ssl";

const DEFAULT_TIMEOUT = "1h";

function outputsOf(cert: ApiCertificate): PropertyMap {
  return present({
    status: cert.status,
    domainName: cert.domain_name,
    subjectAlternativeNames: cert.subject_alternative_names,
    notAfter: cert.not_after ?? undefined,
    fingerprint: cert.fingerprint_sha256 ?? undefined,
  });
}

/** `CNAME _ab….www.example.com. → _cd….validation.mamutecdn.com. (www.example.com)`, for each record not validated. */
function missingRecords(cert: ApiCertificate): string {
  return (cert.validation_records ?? [])
    .filter((record) => record.status !== "validated")
    .map((record) => `${record.type} ${record.name} → ${record.value} (for ${record.domain_name})`)
    .join("; ");
}

export const certificateValidation = defineResource({
  kind: "CertificateValidation",
  description:
    "Waits until a requested certificate is issued (its validation records found in DNS). No API object of its own: " +
    "make what uses the certificate depend on it. A refresh that finds the certificate no longer issued drops it, so " +
    "the next `pulumi up` waits again.",
  inputs: {
    certificateId: {
      description: "Id of the certificate to wait for (a Certificate's `id`). Changing it replaces the validation (waits again).",
      outputDescription: "The issued certificate's id: use it where the certificate is attached.",
      schema: parentIdSchema("a certificate id (a Certificate's `id` output, e.g. cert_3a4b5c6d7e8f9a0b)"),
      required: true,
      replaceOnChange: true,
    },
    timeout: {
      description:
        "How long to wait for the certificate to be issued, as a duration (`1h`, `20m`, `90s`). On timeout the error says " +
        "the last status and the validation records still missing, and nothing is kept in state: the next `pulumi up` " +
        "waits again. Changes in place, no API call.",
      outputDescription: 'How long a create waits for the certificate to be issued, e.g. `"1h"`.',
      schema: durationSchema,
      default: DEFAULT_TIMEOUT,
    },
  },
  outputs: {
    status: { description: "The certificate's status once validated (`issued`).", schema: z.string() },
    domainName: { description: "The certificate's domain name.", schema: z.string() },
    subjectAlternativeNames: { description: "The other names the certificate covers.", schema: z.array(z.string()) },
    notAfter: { description: "When the certificate expires (ISO 8601).", schema: z.string(), required: false },
    fingerprint: { description: "SHA-256 fingerprint of the issued certificate.", schema: z.string(), required: false },
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const id = inputs.certificateId;
    try {
      const issued = await waitUntil<ApiCertificate>({
        what: `certificate ${id} to be issued`,
        poll: async () => {
          const cert = await readCertificate(client, id);
          if (cert === undefined) {
            throw new Error(`cannot validate certificate ${id}: it does not exist (deleted, or not a certificate id)`);
          }
          return cert;
        },
        status: (cert) => cert.status,
        done: (cert) => isIssued(client, cert),
        // Any failure word (failed, validation_timed_out, revoked, expired, …) ends the wait at once.
        failed: (cert) => {
          if (dialectOf(client).statusKind(cert.status) !== "failed") return undefined;
          const what =
            normalStatus(cert.status) === "expired" ? "it has expired" : `the API reports "${cert.status}", so it will never be issued`;
          return (
            `${what}; request a new certificate (replace the Certificate, e.g. \`pulumi up --replace <its URN>\`) and create its ` +
            "validation records in DNS before the API's validation deadline"
          );
        },
        detail: (cert) => {
          const missing = missingRecords(cert);
          return missing ? `validation records still missing: ${missing}` : undefined;
        },
        timeoutMs: durationMs(inputs.timeout, DEFAULT_TIMEOUT),
      });
      return { id, outs: outputsOf(issued) };
    } catch (err) {
      if (err instanceof WaitTimeoutError) {
        err.message +=
          ". Create each missing record in the DNS zone of its name (a DnsRecord with the record's name, type and value), " +
          "then run `pulumi up` again: it waits again. Raise timeout if DNS is slow to propagate.";
      }
      throw err;
    }
  },

  async read(ctx, id) {
    const client = ctx.client();
    const cert = await readCertificate(client, id);
    // No longer issued: gone from state, so the next `up` waits for it again.
    // The id is the certificate's: an import (which knows only the id) learns its input from it.
    return cert && isIssued(client, cert) ? { certificateId: id, ...outputsOf(cert) } : undefined;
  },

  // Only the timeout changes in place, and it matters only while creating.
  async update() {
    return {};
  },

  // Nothing to delete: the certificate is the Certificate's.
  async delete() {},

  // A validation makes nothing, so its create never leaves a trace, and a trace would stand for
  // nothing: refresh drops it, destroy deletes nothing, and the next up waits again.
  async findPending() {
    return undefined;
  },
});
