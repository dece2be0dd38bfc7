import type * as pulumi from "@pulumi/pulumi";
import { CertificateResource, certificateFactOutputs } from "./certificateFacts";

export interface CertificateArgs {
  /**
   * The name the certificate is for, like `www.example.com`, or a wildcard `*.example.com`.
   * Changing it replaces the certificate: the new one is created (and attached by the custom
   * domains that use it) before the old one is deleted.
   */
  domainName: pulumi.Input<string>;
  /** Other names the certificate covers; order and repeats do not matter. Changing the set replaces it. */
  subjectAlternativeNames?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How long deleting the certificate waits while custom domains still use it (default `"30m"`),
   * after which the delete fails naming them.
   */
  deleteTimeout?: pulumi.Input<string>;
}

/** A DNS record that proves ownership of one of the certificate's names. */
export interface CertificateValidationRecord {
  /** The certificate name it validates (without a leading `*.`). */
  domainName: string;
  /** Fully qualified, with the trailing dot: give it to a `DnsRecord` as its `name`. */
  name: string;
  /** `CNAME`. */
  type: string;
  value: string;
  /** `pending` or `validated`. */
  status: string;
}

const outputs = ["domainName", "subjectAlternativeNames", "validationRecords", ...certificateFactOutputs] as const;

/**
 * A TLS certificate requested from MamuteCloud for CDN custom domains. Create its
 * `validationRecords` as `DnsRecord`s, then a `CertificateValidation` waits until it is issued.
 */
export class Certificate extends CertificateResource {
  declare readonly domainName: pulumi.Output<string>;
  declare readonly subjectAlternativeNames: pulumi.Output<string[] | undefined>;
  /**
   * One record per distinct name once a leading `*.` is removed, in the order of `domainName`
   * then `subjectAlternativeNames`.
   */
  declare readonly validationRecords: pulumi.Output<CertificateValidationRecord[]>;

  constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    super("Certificate", name, args, outputs, opts);
  }
}
