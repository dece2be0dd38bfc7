import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

export interface CertificateValidationArgs {
  /** The certificate to wait for (a `Certificate`'s `id`). */
  certificateId: pulumi.Input<string>;
  /**
   * How long to wait for the certificate to be issued (default `"1h"`). On timeout nothing is
   * kept in state and the error lists the validation records still missing; the next `up` waits again.
   */
  timeout?: pulumi.Input<string>;
}

const outputs = ["certificateId", "timeout", "status", "domainName", "subjectAlternativeNames", "notAfter", "fingerprint"] as const;

/**
 * Waits until a requested certificate is issued. It has no API object of its own: give it the
 * validation `DnsRecord`s as dependencies (or use their outputs), and use its `certificateId`
 * where the certificate is attached, so the attachment happens only once the certificate is issued.
 */
export class CertificateValidation extends MamuteResource {
  declare readonly certificateId: pulumi.Output<string>;
  declare readonly timeout: pulumi.Output<string>;
  /** `issued`. */
  declare readonly status: pulumi.Output<string>;
  declare readonly domainName: pulumi.Output<string>;
  declare readonly subjectAlternativeNames: pulumi.Output<string[]>;
  declare readonly notAfter: pulumi.Output<string | undefined>;
  declare readonly fingerprint: pulumi.Output<string | undefined>;

  constructor(name: string, args: CertificateValidationArgs, opts?: pulumi.CustomResourceOptions) {
    super("CertificateValidation", name, args, outputs, opts);
  }
}
