// ImportedCertificate: a certificate the user already has (PEM certificate, chain, private key),
// imported with `POST /cdn/ssl-certificate/import`. Everything a TLS server would trip over is
// checked at `check` (pem.ts), so a bad file fails the preview, not the deployment. The API never
// returns the PEM texts, so they stay as the state has them (canonical, so reformatting a file
// is no change); every one of them replaces the certificate, the new one created first.
import { z } from "zod";
import type { AutoNaming } from "../naming";
import { registerSecret } from "../redact";
import { isUnknown, present, type CheckFailure, type PropertyMap, defineResource } from "../resource";
import {
  chainOrderProblem,
  checkCertificate,
  checkChain,
  checkPrivateKey,
  fingerprintOf,
  keyMatchesCertificate,
  type Outcome,
} from "./pem";
import {
  certificateFactOutputs,
  certificateFacts,
  certificateOperations,
  createCertificate,
  deleteTimeoutInput,
  MARK_TAG,
  type ApiCertificate,
} from "./ssl";

/** A zod schema from a pem.ts check: the check's error is the failure, its value the canonical text. */
function pemSchema(check: (raw: string) => Outcome<string>): z.ZodType<string> {
  return z.string().transform((raw, ctx) => {
    const result = check(raw);
    if ("error" in result) {
      ctx.addIssue({ code: "custom", message: result.error });
      return z.NEVER;
    }
    return result.value;
  });
}

/** A known, individually valid value (an invalid one never reaches the checked inputs). */
function known(value: unknown): value is string {
  return typeof value === "string" && !isUnknown(value);
}

function outputsOf(cert: ApiCertificate): PropertyMap {
  return {
    ...present({ domainName: cert.domain_name, subjectAlternativeNames: cert.subject_alternative_names }),
    ...certificateFacts(cert),
  };
}

function markOf(naming: AutoNaming | undefined, certificate: string, chain: unknown): string | undefined {
  try {
    return naming?.mark(`${fingerprintOf(certificate)}\0${typeof chain === "string" ? chain : ""}`);
  } catch {
    return undefined; // not a certificate: check says so
  }
}

function sameFingerprint(olds: PropertyMap, certificatePem: unknown): boolean {
  if (typeof certificatePem !== "string") return false;
  try {
    return fingerprintOf(certificatePem) === olds.fingerprint;
  } catch {
    return false; // not a certificate: check says so
  }
}

export const importedCertificate = defineResource({
  kind: "ImportedCertificate",
  description:
    "A certificate you already have (PEM certificate, chain and private key), imported for CDN custom domains. Checked " +
    "at preview: parses, the key matches, not expired, the chain in order. The private key is a secret.",
  inputs: {
    certificate: {
      description:
        "The site's certificate, one PEM CERTIFICATE block. Line endings, line width and text around the block do not " +
        "matter. Changing it replaces the imported certificate: the new one is created first.",
      outputDescription: "The certificate's PEM block, as given.",
      schema: pemSchema((raw) => checkCertificate(raw)),
      required: true,
      replaceOnChange: true,
    },
    certificateChain: {
      description:
        "The certificates that issued it, PEM, the issuer of `certificate` first, then its issuer, up to (optionally) the " +
        "root. Changing it replaces the imported certificate.",
      outputDescription: "The issuing certificates' PEM blocks, as given; undefined when none were given.",
      schema: pemSchema((raw) => checkChain(raw)),
      replaceOnChange: true,
    },
    privateKey: {
      description:
        "The certificate's private key, one unencrypted PEM block (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY; RSA of " +
        "2048 bits or more, or ECDSA P-256/P-384/P-521). A secret. Changing it replaces the imported certificate.",
      outputDescription: "A secret output.",
      schema: pemSchema(checkPrivateKey),
      required: true,
      replaceOnChange: true,
      secret: true,
    },
    deleteTimeout: deleteTimeoutInput,
  },
  outputs: {
    domainName: { description: "The certificate's main name: its subject CN, or its first DNS name.", schema: z.string() },
    subjectAlternativeNames: {
      description: "The certificate's other DNS names, in its order.",
      schema: z.array(z.string()),
    },
    ...certificateFactOutputs,
  },

  internalInputs: ["__mark"],

  refine(inputs, _olds, failures: CheckFailure[], naming) {
    const { certificate, privateKey, certificateChain } = inputs;
    // The mark of this resource's certificate: a replacement (every input replaces) changes the
    // fingerprint or the chain, so the new certificate's mark differs from the old one's, which
    // still exists while the new one is made.
    const mark = known(certificate) && !isUnknown(certificateChain) ? markOf(naming, certificate, certificateChain) : undefined;
    if (mark) inputs.__mark = mark;
    else delete inputs.__mark;
    if (known(certificate) && known(privateKey)) {
      const problem = keyMatchesCertificate(certificate, privateKey);
      if (problem) failures.push({ property: "privateKey", reason: problem });
    }
    if (known(certificate) && known(certificateChain)) {
      const problem = chainOrderProblem(certificate, certificateChain);
      if (problem) failures.push({ property: "certificateChain", reason: problem });
    }
  },

  // The API gives no PEM back, so an imported object's state has none (`pulumi import` knows only
  // the id). The program's certificate is the same one when its fingerprint is; the key is checked
  // against it at check, and the chain is the program's to give.
  same: {
    certificate: (old, next, olds) => (old === undefined && olds.fingerprint !== undefined ? sameFingerprint(olds, next) : old === next),
    privateKey: (old, next, olds, news) =>
      old === undefined && olds.certificate === undefined ? sameFingerprint(olds, news.certificate) : old === next,
    certificateChain: (old, next, olds) => (old === undefined && olds.certificate === undefined) || (old ?? null) === (next ?? null),
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const certificatePem = inputs.certificate;
    const { privateKey } = inputs;
    registerSecret(privateKey);
    const fingerprint = fingerprintOf(certificatePem);
    const created = await createCertificate(client, {
      operation: `import certificate ${fingerprint}`,
      what: `an imported certificate with fingerprint ${fingerprint}`,
      path: "/cdn/ssl-certificate/import",
      body: {
        certificate: certificatePem,
        private_key: privateKey,
        ...(inputs.certificateChain !== undefined ? { certificate_chain: inputs.certificateChain } : {}),
        ...(typeof inputs.__mark === "string" ? { tags: [{ key: MARK_TAG, value: inputs.__mark }] } : {}),
      },
      key: { type: "imported", fingerprint },
      mark: typeof inputs.__mark === "string" ? inputs.__mark : undefined,
    });
    return { id: created.id, outs: outputsOf(created) };
  },

  // `read` returns no PEM text (the API has none to give): certificate, chain and key stay as the state has them.
  ...certificateOperations("imported certificate", outputsOf),
});
