// ImportedCertificate: a certificate the user already has (PEM certificate, chain, private key),
// imported with `POST /cdn/ssl-certificate/import`. Everything a TLS server would trip over is
// checked at `check` (pem.ts), so a bad file fails the preview, not the deployment. The API never
// returns the PEM texts, so they stay as the state has them (canonical, so reformatting a file
// is no change); every one of them replaces the certificate, the new one created first.
import { z } from "zod";
import { registerSecret } from "../redact";
import { isUnknown, type CheckFailure, type PropertyMap, type ResourceDefinition } from "../resource";
import { chainOrderProblem, checkCertificate, checkChain, checkPrivateKey, fingerprintOf, keyMatchesCertificate, type Outcome } from "./pem";
import {
  certificateFactOutputs,
  certificateFacts,
  certificateOperations,
  createCertificate,
  deleteTimeoutInput,
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
  return { domainName: cert.domain_name, subjectAlternativeNames: cert.subject_alternative_names, ...certificateFacts(cert) };
}

export const importedCertificate: ResourceDefinition = {
  kind: "ImportedCertificate",
  description:
    "A certificate you already have (PEM certificate, chain and private key), imported for CDN custom domains. Checked " +
    "at preview: parses, the key matches, not expired, the chain in order. The private key is a secret.",
  inputs: {
    certificate: {
      description:
        "The site's certificate, one PEM CERTIFICATE block. Line endings, line width and text around the block do not " +
        "matter. Changing it replaces the imported certificate: the new one is created first.",
      schema: pemSchema((raw) => checkCertificate(raw)),
      required: true,
      replaceOnChange: true,
    },
    certificateChain: {
      description:
        "The certificates that issued it, PEM, the issuer of `certificate` first, then its issuer, up to (optionally) the " +
        "root. Changing it replaces the imported certificate.",
      schema: pemSchema((raw) => checkChain(raw)),
      replaceOnChange: true,
    },
    privateKey: {
      description:
        "The certificate's private key, one unencrypted PEM block (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY; RSA of " +
        "2048 bits or more, or ECDSA P-256/P-384/P-521). A secret. Changing it replaces the imported certificate.",
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

  refine(inputs, _olds, failures: CheckFailure[]) {
    const { certificate, privateKey, certificateChain } = inputs;
    if (known(certificate) && known(privateKey)) {
      const problem = keyMatchesCertificate(certificate, privateKey);
      if (problem) failures.push({ property: "privateKey", reason: problem });
    }
    if (known(certificate) && known(certificateChain)) {
      const problem = chainOrderProblem(certificate, certificateChain);
      if (problem) failures.push({ property: "certificateChain", reason: problem });
    }
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const certificatePem = String(inputs.certificate);
    const privateKey = String(inputs.privateKey);
    registerSecret(privateKey);
    const fingerprint = fingerprintOf(certificatePem);
    const created = await createCertificate(client, {
      operation: `import certificate ${fingerprint}`,
      what: `an imported certificate with fingerprint ${fingerprint}`,
      path: "/cdn/ssl-certificate/import",
      body: {
        certificate: certificatePem,
        private_key: privateKey,
        ...(typeof inputs.certificateChain === "string" ? { certificate_chain: inputs.certificateChain } : {}),
      },
      key: { type: "imported", fingerprint },
    });
    return { id: created.id, outs: outputsOf(created) };
  },

  // `read` returns no PEM text (the API has none to give): certificate, chain and key stay as the state has them.
  ...certificateOperations("imported certificate", outputsOf),
};
