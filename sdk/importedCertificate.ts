import * as pulumi from "@pulumi/pulumi";
import { CertificateResource, certificateFactOutputs } from "./certificateFacts";

export interface ImportedCertificateArgs {
  /** The site's certificate, one PEM block. Changing it replaces the imported certificate. */
  certificate: pulumi.Input<string>;
  /** The certificates that issued it, PEM, the direct issuer first. Changing it replaces the imported certificate. */
  certificateChain?: pulumi.Input<string>;
  /** The certificate's unencrypted PEM private key. Kept secret in state and outputs whether or not you pass a secret. */
  privateKey: pulumi.Input<string>;
  /** How long deleting waits while custom domains still use the certificate (default `"30m"`). */
  deleteTimeout?: pulumi.Input<string>;
}

const outputs = ["certificate", "certificateChain", "privateKey", "domainName", "subjectAlternativeNames", ...certificateFactOutputs] as const;

/**
 * A certificate you already have, imported for CDN custom domains. The PEM texts are checked at
 * preview (parse, key matches, not expired, chain order); the private key is a secret.
 */
export class ImportedCertificate extends CertificateResource {
  declare readonly certificate: pulumi.Output<string>;
  declare readonly certificateChain: pulumi.Output<string | undefined>;
  /** A secret output. */
  declare readonly privateKey: pulumi.Output<string>;
  declare readonly domainName: pulumi.Output<string>;
  declare readonly subjectAlternativeNames: pulumi.Output<string[]>;

  constructor(name: string, args: ImportedCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    // The key is a secret input too, so the engine never stores it in plain text among the inputs.
    super("ImportedCertificate", name, { ...args, privateKey: pulumi.secret(args.privateKey) }, outputs, opts, ["privateKey"]);
  }
}
