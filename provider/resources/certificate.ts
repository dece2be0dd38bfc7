// Certificate: a certificate requested from MamuteCloud (`POST /cdn/ssl-certificate`), validated
// by DNS records the owner creates (the `validationRecords` output, typically as DnsRecords) and
// then issued; CertificateValidation waits for that. Nothing changes in place: new names are a new
// certificate, created before the old one is deleted, and that delete waits while custom domains
// still use the old one (see ssl.ts).
import { z } from "zod";
import { isUnknown, present, type PropertyMap, defineResource } from "../resource";
import { canonicalZoneDomain } from "./dns";
import {
  certificateFactOutputs,
  certificateFacts,
  certificateOperations,
  createCertificate,
  deleteTimeoutInput,
  namesKey,
  readCertificate,
  type ApiCertificate,
} from "./ssl";

/** `*.Example.com.` → `*.example.com`: lower case, no trailing dot, `*` only as the whole first label. */
export const certificateDomainSchema = z.string().transform((raw, ctx) => {
  const wildcard = raw.startsWith("*.");
  const result = canonicalZoneDomain(wildcard ? raw.slice(2) : raw);
  if ("error" in result) {
    // `*.com` fails here too: what follows `*.` is held to the same two-label rule.
    ctx.addIssue({ code: "custom", message: `${result.error}; a wildcard is written *.example.com` });
    return z.NEVER;
  }
  const domain = wildcard ? `*.${result.domain}` : result.domain;
  if (domain === "mamutecdn.com" || domain.endsWith(".mamutecdn.com")) {
    ctx.addIssue({
      code: "custom",
      message: `"${raw}" is a MamuteCloud distribution domain, which the CDN already serves with its own certificate`,
    });
    return z.NEVER;
  }
  return domain;
});

const validationRecordSchema = z
  .object({
    domainName: z.string().describe("The certificate name this record validates (without a leading `*.`)."),
    name: z.string().describe("Fully qualified record name, with the trailing dot."),
    type: z.string().describe("The record type: `CNAME`."),
    value: z.string().describe("The record value, a host name with the trailing dot."),
    status: z.string().describe("`pending` or `validated`."),
  })
  .meta({ id: "CertificateValidationRecord", description: "A DNS record that proves ownership of one of a certificate's names." });

function sameNames(a: unknown, b: unknown): boolean {
  const set = (value: unknown) => [...new Set(Array.isArray(value) ? value.map(String) : [])].sort().join(",");
  return set(a) === set(b);
}

function validationRecordsOf(cert: ApiCertificate): PropertyMap[] | undefined {
  return cert.validation_records?.map((record) =>
    present({
      domainName: record.domain_name,
      name: record.name,
      type: record.type?.toUpperCase(),
      value: record.value,
      status: record.status,
    }),
  );
}

function outputsOf(cert: ApiCertificate): PropertyMap {
  return { ...present({ validationRecords: validationRecordsOf(cert) }), ...certificateFacts(cert) };
}

export const certificate = defineResource({
  kind: "Certificate",
  description:
    "A TLS certificate requested from MamuteCloud for a CDN custom domain. It is issued once the DNS records in " +
    "`validationRecords` exist (create them as DnsRecords); a CertificateValidation waits for that.",
  inputs: {
    domainName: {
      description:
        "The name the certificate is for, like `www.example.com` or the wildcard `*.example.com` (lower-cased, a trailing " +
        "dot dropped). Changing it replaces the certificate: the new one is created first.",
      outputDescription: "The main name, lower-cased without a trailing dot, e.g. `www.example.com` or `*.example.com`.",
      schema: certificateDomainSchema,
      required: true,
      replaceOnChange: true,
    },
    subjectAlternativeNames: {
      description:
        "Other names the certificate covers, same rules as domainName; order and repeats do not matter, and domainName " +
        "itself is dropped. Changing the set replaces the certificate: the new one is created first.",
      outputDescription: "The other names covered, each once and without `domainName`; undefined when none were given.",
      schema: z.array(certificateDomainSchema).max(100, "at most 100 names"),
      replaceOnChange: true,
    },
    deleteTimeout: deleteTimeoutInput,
  },
  outputs: {
    validationRecords: {
      description:
        "The DNS records that prove ownership: one per distinct name once a leading `*.` is removed, in the order of " +
        "domainName then subjectAlternativeNames. Each has `domainName`, `name` (fully qualified, trailing dot), `type` " +
        "(`CNAME`), `value` and `status` (`pending` or `validated`); `name`, `type` and `value` can be given to a DnsRecord as is.",
      schema: z.array(validationRecordSchema),
    },
    ...certificateFactOutputs,
  },

  refine(inputs) {
    const { domainName, subjectAlternativeNames: names } = inputs;
    if (!Array.isArray(names) || isUnknown(names) || isUnknown(domainName)) return;
    // The API keeps each name once, without domainName, in the order sent.
    inputs.subjectAlternativeNames = [...new Set(names.map(String))].filter((name) => name !== domainName);
  },

  // A set of names: a new order is the same certificate.
  same: { subjectAlternativeNames: (old, next) => sameNames(old, next) },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { domainName } = inputs;
    const names = inputs.subjectAlternativeNames ?? [];
    const created = await createCertificate(client, {
      operation: `request certificate for ${[domainName, ...names].join(", ")}`,
      what: `a certificate for ${[domainName, ...names].join(", ")}`,
      path: "/cdn/ssl-certificate",
      body: { domain_name: domainName, subject_alternative_names: names },
      key: { type: "requested", domainName, subjectAlternativeNames: namesKey(names) },
    });
    return { id: created.id, outs: outputsOf(created) };
  },

  ...certificateOperations("certificate", outputsOf),

  async read(ctx, id, state) {
    const found = await readCertificate(ctx.client(), id);
    if (!found) return undefined;
    // An import knows only the id: the names come from the API. A refresh keeps the program's.
    const imported = state.domainName === undefined;
    return {
      ...outputsOf(found),
      ...(imported ? present({ domainName: found.domain_name, subjectAlternativeNames: found.subject_alternative_names }) : {}),
    };
  },

  lookup: {
    description: "An existing requested certificate, by id: its names, status and the validation records it waits for.",
    args: {
      id: { description: "The certificate's id (its import id).", schema: z.string().min(1), required: true },
    },
    find: async (_ctx, args) => String(args.id),
  },
});
