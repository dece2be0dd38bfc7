// Certificate and ImportedCertificate's pure parts: what `check` refuses (with the property and
// the fix, never a piece of the private key) and the canonical forms that keep diffs quiet.
import { generateKeyPairSync } from "node:crypto";
import { checkInputs, diffInputs, UNKNOWN, type PropertyMap, type ResourceDefinition } from "../../provider/resource";
import { certificate } from "../../provider/resources/certificate";
import { certificateValidation } from "../../provider/resources/certificateValidation";
import { importedCertificate } from "../../provider/resources/importedCertificate";
import { DAY, newKeyPair, TestCa, type ServerCertificate } from "../harness/testCertificates";

let root: TestCa;
let intermediate: TestCa;
let site: ServerCertificate;

beforeAll(async () => {
  root = await TestCa.root();
  intermediate = await root.intermediate("Test Intermediate CA");
  site = await intermediate.server(["www.example.com", "example.com"]);
});

function failuresOf(news: PropertyMap, definition: ResourceDefinition = importedCertificate): Record<string, string> {
  const { failures } = checkInputs(definition, {}, news);
  return Object.fromEntries(failures.map((failure) => [failure.property, failure.reason]));
}

/** Every 16-character run of the key's base64: none may appear in a message. */
function keyPieces(privateKeyPem: string): string[] {
  const body = privateKeyPem.replace(/-----[^-]+-----|\s/g, "");
  const pieces: string[] = [];
  for (let i = 0; i + 16 <= body.length; i += 8) pieces.push(body.slice(i, i + 16));
  return pieces;
}

function expectNoKeyIn(text: string, privateKeyPem: string): void {
  for (const piece of keyPieces(privateKeyPem)) expect(text).not.toContain(piece);
}

/** The same PEM as a Windows editor with 76-column lines, indentation and openssl's notes would give it. */
function reformatted(pem: string): string {
  return pem
    .replace(/-----BEGIN ([A-Z ]+)-----\n([\s\S]*?)-----END/g, (_all, label: string, body: string) => {
      const flat = body.replace(/\s/g, "");
      return `-----BEGIN ${label}-----\n  ${flat.match(/.{1,76}/g)!.join("\n  ")}\n-----END`;
    })
    .replace(/\n/g, "\r\n")
    .replace(/^/, "subject=CN=www.example.com\r\nissuer=CN=Test Intermediate CA\r\n");
}

describe("ImportedCertificate check", () => {
  test("a valid certificate, chain and key pass, in canonical PEM", () => {
    const chain = intermediate.certificatePem + root.certificatePem;
    const { inputs, failures } = checkInputs(
      importedCertificate,
      {},
      {
        certificate: site.certificatePem,
        certificateChain: chain,
        privateKey: site.privateKeyPem,
      },
    );
    expect(failures).toEqual([]);
    expect(inputs.certificate).toMatch(
      /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/,
    );
    expect(String(inputs.certificateChain).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(inputs.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(inputs.deleteTimeout).toBe("30m");
  });

  test("reformatted PEM (CRLF, other line width, indentation, notes around it) is no change", () => {
    const original = checkInputs(
      importedCertificate,
      {},
      {
        certificate: site.certificatePem,
        certificateChain: intermediate.certificatePem,
        privateKey: site.privateKeyPem,
      },
    ).inputs;
    const again = checkInputs(importedCertificate, original, {
      certificate: reformatted(site.certificatePem),
      certificateChain: reformatted(intermediate.certificatePem),
      privateKey: reformatted(site.privateKeyPem),
    });
    expect(again.failures).toEqual([]);
    expect(again.inputs).toEqual(original);
    expect(diffInputs(importedCertificate, original, again.inputs).changes).toBe(false);
  });

  test("every PEM input replaces; deleteTimeout changes in place", async () => {
    const olds = checkInputs(importedCertificate, {}, { certificate: site.certificatePem, privateKey: site.privateKeyPem }).inputs;
    const renewed = await intermediate.server(["www.example.com"]);
    const news = checkInputs(importedCertificate, olds, { certificate: renewed.certificatePem, privateKey: renewed.privateKeyPem }).inputs;
    expect(diffInputs(importedCertificate, olds, news)).toEqual({
      changes: true,
      replaces: ["certificate", "privateKey"],
      deleteBeforeReplace: false,
    });
    const withChain = {
      ...olds,
      certificateChain: checkInputs(
        importedCertificate,
        {},
        { certificate: site.certificatePem, privateKey: site.privateKeyPem, certificateChain: intermediate.certificatePem },
      ).inputs.certificateChain,
    };
    expect(diffInputs(importedCertificate, olds, withChain).replaces).toEqual(["certificateChain"]);
    expect(diffInputs(importedCertificate, olds, { ...olds, deleteTimeout: "5m" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("text that is not PEM, broken base64 and a block that is not X.509 fail on certificate", () => {
    expect(failuresOf({ certificate: "hello", privateKey: site.privateKeyPem }).certificate).toMatch(/holds no PEM block/);
    const broken = site.certificatePem.replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!");
    expect(failuresOf({ certificate: broken, privateKey: site.privateKeyPem }).certificate).toMatch(
      /CERTIFICATE block is not valid base64/,
    );
    const notX509 = `-----BEGIN CERTIFICATE-----\n${Buffer.from("not a certificate at all").toString("base64")}\n-----END CERTIFICATE-----\n`;
    expect(failuresOf({ certificate: notX509, privateKey: site.privateKeyPem }).certificate).toMatch(/is not a valid X\.509 certificate/);
    expect(
      failuresOf({ certificate: site.certificatePem + intermediate.certificatePem, privateKey: site.privateKeyPem }).certificate,
    ).toMatch(/holds 2 certificates; put only the site's own certificate here and the certificates that issued it in certificateChain/);
  });

  test("a key that belongs to another certificate fails on privateKey, naming the certificate, without quoting the key", async () => {
    const other = await newKeyPair();
    const failures = failuresOf({ certificate: site.certificatePem, privateKey: other.privateKeyPem });
    expect(Object.keys(failures)).toEqual(["privateKey"]);
    expect(failures.privateKey).toMatch(/does not belong to the certificate \(CN=www\.example\.com\)/);
    expectNoKeyIn(failures.privateKey, other.privateKeyPem);
  });

  test("an expired certificate and one not valid yet fail on certificate, with the date", async () => {
    const expired = await intermediate.server(["old.example.com"], {
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    expect(failuresOf({ certificate: expired.certificatePem, privateKey: expired.privateKeyPem }).certificate).toMatch(
      /^expired on \d{4}-\d\d-\d\dT[\d:.]+Z \(CN=old\.example\.com\); renew it and import the new one$/,
    );
    const future = await intermediate.server(["new.example.com"], { notBefore: new Date(Date.now() + DAY) });
    expect(failuresOf({ certificate: future.certificatePem, privateKey: future.privateKeyPem }).certificate).toMatch(/is not valid before/);
    const expiredIntermediate = await root.intermediate("Old CA", {
      notBefore: new Date(Date.now() - 10 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    expect(
      failuresOf({ certificate: site.certificatePem, privateKey: site.privateKeyPem, certificateChain: expiredIntermediate.certificatePem })
        .certificateChain,
    ).toMatch(/^certificate 1 expired on .* \(CN=Old CA\)/);
  });

  test("a chain in reverse order, out of order, or from another CA fails on certificateChain", async () => {
    const reversed = failuresOf({
      certificate: site.certificatePem,
      privateKey: site.privateKeyPem,
      certificateChain: root.certificatePem + intermediate.certificatePem,
    });
    expect(reversed.certificateChain).toMatch(/is in reverse order: list the certificate that issued the site's certificate first/);

    const deeper = await intermediate.intermediate("Test Issuing CA");
    const leaf = await deeper.server(["deep.example.com"]);
    const inOrder = deeper.certificatePem + intermediate.certificatePem + root.certificatePem;
    expect(failuresOf({ certificate: leaf.certificatePem, privateKey: leaf.privateKeyPem, certificateChain: inOrder })).toEqual({});
    const shuffled = failuresOf({
      certificate: leaf.certificatePem,
      privateKey: leaf.privateKeyPem,
      certificateChain: intermediate.certificatePem + deeper.certificatePem + root.certificatePem,
    });
    expect(shuffled.certificateChain).toBe(
      "is out of order: certificate 1 (CN=Test Intermediate CA) did not issue the certificate (CN=deep.example.com); " +
        "certificate 2 (CN=Test Issuing CA) did, so it must come right after it",
    );

    const fullChain = failuresOf({
      certificate: site.certificatePem,
      privateKey: site.privateKeyPem,
      certificateChain: site.certificatePem + intermediate.certificatePem,
    });
    expect(fullChain.certificateChain).toMatch(
      /^holds the certificate itself \(certificate 1\); give only the certificates that issued it/,
    );

    const stranger = await (await TestCa.root("Another Root")).intermediate("Another CA");
    expect(
      failuresOf({ certificate: site.certificatePem, privateKey: site.privateKeyPem, certificateChain: stranger.certificatePem })
        .certificateChain,
    ).toMatch(
      /does not continue the certificate \(CN=www\.example\.com\): certificate 1 \(CN=Another CA\) did not issue it, nor does any certificate in the chain \(its issuer is CN=Test Intermediate CA/,
    );
  });

  test("private keys the CDN cannot use fail on privateKey, none of them quoted", () => {
    const encrypted = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret-pass" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }) as string;
    const edwards = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const cases: Array<[string, RegExp]> = [
      [encrypted, /is encrypted; give the key unencrypted/],
      [weak, /is an RSA key of 1024 bits; the CDN needs RSA of at least 2048 bits/],
      [edwards, /is a ed25519 key; the CDN takes RSA \(2048 bits or more\) or ECDSA/],
      [site.certificatePem, /holds a CERTIFICATE block, not a private key/],
      [site.privateKeyPem + site.privateKeyPem, /holds 2 PEM blocks; give exactly one private key/],
    ];
    for (const [key, message] of cases) {
      const failures = failuresOf({ certificate: site.certificatePem, privateKey: key });
      expect(failures.privateKey).toMatch(message);
      expectNoKeyIn(JSON.stringify(failures), key.includes("PRIVATE KEY") ? key : site.privateKeyPem);
    }
  });

  test("a private key given as the certificate is refused without being quoted", () => {
    const failures = failuresOf({ certificate: site.privateKeyPem, privateKey: site.privateKeyPem });
    expect(failures.certificate).toBe(
      "holds a PRIVATE KEY block; certificate takes CERTIFICATE blocks only; the private key goes in privateKey",
    );
    expectNoKeyIn(JSON.stringify(failures), site.privateKeyPem);
  });

  test("unknown values pass and skip the checks across properties", () => {
    const other = checkInputs(
      importedCertificate,
      {},
      { certificate: site.certificatePem, privateKey: UNKNOWN, certificateChain: UNKNOWN },
    );
    expect(other.failures).toEqual([]);
    expect(other.inputs).toMatchObject({ privateKey: UNKNOWN, certificateChain: UNKNOWN });
  });
});

describe("Certificate check", () => {
  test("names are canonical: lower case, no trailing dot, SANs once each and without domainName", () => {
    const { inputs, failures } = checkInputs(
      certificate,
      {},
      {
        domainName: "*.Example.COM.",
        subjectAlternativeNames: ["Example.com", "*.example.com", "example.com.", "www.other.example"],
      },
    );
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({
      domainName: "*.example.com",
      subjectAlternativeNames: ["example.com", "www.other.example"],
      deleteTimeout: "30m",
    });
  });

  test("bad names fail on their property", () => {
    const failures = failuresOf(
      { domainName: "*.com", subjectAlternativeNames: ["ok.example.com", "a..b.example", "site.mamutecdn.com"] },
      certificate,
    );
    expect(failures.domainName).toMatch(/at least two labels.*a wildcard is written \*\.example\.com/);
    expect(failures.subjectAlternativeNames).toMatch(/item 1: label "" of "a\.\.b\.example" is invalid/);
    expect(failures.subjectAlternativeNames).toMatch(/item 2: "site\.mamutecdn\.com" is a MamuteCloud distribution domain/);
    expect(failuresOf({ domainName: "*.*.example.com" }, certificate).domainName).toMatch(/label "\*"/);
    expect(failuresOf({}, certificate)).toEqual({ domainName: "is required" });
    expect(failuresOf({ domainName: "www.example.com", deleteTimeout: "soon" }, certificate).deleteTimeout).toMatch(
      /must be a positive duration/,
    );
  });

  test("a new order of the same names is no change; another set replaces", () => {
    const olds = checkInputs(
      certificate,
      {},
      { domainName: "example.com", subjectAlternativeNames: ["a.example.com", "b.example.com"] },
    ).inputs;
    const reordered = checkInputs(certificate, olds, {
      domainName: "example.com",
      subjectAlternativeNames: ["b.example.com", "a.example.com", "a.example.com"],
    }).inputs;
    expect(diffInputs(certificate, olds, reordered).changes).toBe(false);
    const more = checkInputs(certificate, olds, {
      domainName: "example.com",
      subjectAlternativeNames: ["a.example.com", "c.example.com"],
    }).inputs;
    expect(diffInputs(certificate, olds, more)).toEqual({
      changes: true,
      replaces: ["subjectAlternativeNames"],
      deleteBeforeReplace: false,
    });
    const unknown = checkInputs(certificate, olds, { domainName: UNKNOWN, subjectAlternativeNames: UNKNOWN });
    expect(unknown.failures).toEqual([]);
    expect(diffInputs(certificate, olds, unknown.inputs).replaces).toEqual(["domainName", "subjectAlternativeNames"]);
  });
});

describe("CertificateValidation against the API's answers", () => {
  const answer = (status: string) => ({
    id: "cert_0123456789abcdef",
    domain_name: "www.example.com",
    subject_alternative_names: [],
    type: "requested",
    status,
    validation_records: [],
    issuer: null,
    serial_number: null,
    not_before: null,
    not_after: null,
    fingerprint_sha256: null,
    in_use_by: [],
    issued_at: null,
    created_at: "2026-11-22T10:00:00.000Z",
  });
  /** A context whose client answers every certificate read with `status`. */
  const contextAnswering = (status: string) => ({ client: () => ({ find: async () => answer(status) }) as never });

  test("an expired certificate ends the wait at once, saying to request a new one", async () => {
    const started = Date.now();
    await expect(
      certificateValidation.create(contextAnswering("expired"), { certificateId: "cert_0123456789abcdef", timeout: "1h" }),
    ).rejects.toThrow(
      /gave up waiting for certificate cert_0123456789abcdef to be issued after 0s: it has expired; request a new certificate/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("refresh keeps it only while the certificate is issued", async () => {
    for (const status of ["pending_validation", "expired"]) {
      await expect(certificateValidation.read(contextAnswering(status), "cert_0123456789abcdef", {})).resolves.toBeUndefined();
    }
    await expect(certificateValidation.read(contextAnswering("issued"), "cert_0123456789abcdef", {})).resolves.toMatchObject({
      status: "issued",
    });
  });
});
