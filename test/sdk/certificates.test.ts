import { captureRegistrations, registrationOf, settled } from "../harness/mocks";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as mamutecloud from "../../sdk";

beforeAll(captureRegistrations);

const PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";

test("ImportedCertificate sends the private key as a secret input and asks for it as a secret output", async () => {
  new mamutecloud.ImportedCertificate("imported", { certificate: "cert-pem", certificateChain: "chain-pem", privateKey: PEM_KEY });
  await settled();
  const imported = registrationOf("imported");
  expect(imported.type).toBe("pulumi-nodejs:dynamic/mamutecloud:ImportedCertificate");
  expect(imported.additionalSecretOutputs).toEqual(["privateKey"]);
  // The mocks keep the wire form: a secret input arrives wrapped in Pulumi's secret marker.
  expect(imported.inputs.privateKey).toEqual({ [specialSigKey]: specialSecretSig, value: PEM_KEY });
  expect(imported.inputs).toMatchObject({ certificate: "cert-pem", certificateChain: "chain-pem", __kind: "ImportedCertificate" });
});

test("Certificate and CertificateValidation register their types and args, with no secrets", async () => {
  const cert = new mamutecloud.Certificate("cert", {
    domainName: "www.example.com",
    subjectAlternativeNames: ["example.com"],
    deleteTimeout: "5m",
  });
  new mamutecloud.CertificateValidation("validation", { certificateId: cert.id, timeout: "10m" });
  await settled();
  const requested = registrationOf("cert");
  expect(requested.type).toBe("pulumi-nodejs:dynamic/mamutecloud:Certificate");
  expect(requested.inputs).toMatchObject({
    domainName: "www.example.com",
    subjectAlternativeNames: ["example.com"],
    deleteTimeout: "5m",
    __kind: "Certificate",
  });
  expect(requested.additionalSecretOutputs).toEqual([]);
  expect(JSON.stringify(requested.inputs)).not.toContain(specialSecretSig);
  const validation = registrationOf("validation");
  expect(validation.type).toBe("pulumi-nodejs:dynamic/mamutecloud:CertificateValidation");
  expect(validation.inputs).toMatchObject({
    certificateId: "cert-id",
    timeout: "10m",
    __kind: "CertificateValidation",
    __logicalName: "validation",
  });
  expect(validation.inputs.__provider).toContain('require("pulumi-mamutecloud/provider")');
});
