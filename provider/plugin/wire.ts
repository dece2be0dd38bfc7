// Property bags on the wire (protobuf Struct) and Pulumi's secret marker. The engine wraps a secret
// as `{<sig>: <secret sig>, value}`; the definitions work on plain values, so bags are unwrapped on
// the way in (remembering which properties were secret) and wrapped again on the way out.
import { createRequire } from "node:module";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type { PropertyMap } from "../resource";

// The stubs @pulumi/pulumi ships, and the gRPC and protobuf runtimes they were built with: one copy
// of each, so messages and credentials made here are the ones the stubs expect.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/proto/provider_pb"));
export const grpc: typeof import("@grpc/grpc-js") = fromPulumi("@grpc/grpc-js");
export const structproto: typeof structTypes = fromPulumi("google-protobuf/google/protobuf/struct_pb");
export const anyproto: typeof import("google-protobuf/google/protobuf/any_pb") = fromPulumi("google-protobuf/google/protobuf/any_pb");
export const emptyproto: typeof import("google-protobuf/google/protobuf/empty_pb") = fromPulumi("google-protobuf/google/protobuf/empty_pb");

/** Strings from this many UTF-16 units up cross through Node's own UTF-8 codec (nativeStrings). */
const NATIVE_STRING_LENGTH = 256;

/**
 * Long strings through Node's own UTF-8 codec. google-protobuf, the runtime of the stubs
 * @pulumi/pulumi ships, encodes a string one byte at a time into a JavaScript array and decodes it
 * one character at a time: for a folder's manifest (one string of 1.2 MB at 20,000 files, in
 * several messages per run) that was 25-30 ms and about 80 MiB of transient heap per message
 * encoded, 11 ms per string decoded. A string field and a bytes field are the same on the wire
 * (tag, length, UTF-8), so the writer's and reader's own bytes methods, which append and slice
 * whole blocks, carry them: the bytes are the same, made natively (test/plugin/wire.test.ts
 * compares them with google-protobuf's own). Where this runtime lacks those methods, it is left
 * as it is.
 */
export function nativeStrings(jspb: typeof import("google-protobuf")): void {
  const writer = jspb.BinaryWriter.prototype;
  const reader = jspb.BinaryReader.prototype;
  if (typeof writer.writeBytes !== "function" || typeof reader.readBytes !== "function" || "original" in writer.writeString) return;
  const writeString = writer.writeString;
  const readString = reader.readString;
  writer.writeString = Object.assign(
    function writeNative(this: typeof writer, field: number, value?: string | null) {
      if (value === null || value === undefined || value.length < NATIVE_STRING_LENGTH)
        return writeString.call(this, field, value ?? undefined);
      const bytes = Buffer.from(value, "utf8");
      this.writeBytes(field, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    },
    // google-protobuf's own, which the test of this compares with.
    { original: writeString },
  );
  reader.readString = Object.assign(
    function readNative(this: typeof reader) {
      const bytes = this.readBytes();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
    },
    { original: readString },
  );
}
nativeStrings(fromPulumi("google-protobuf"));

const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

function isSecret(value: unknown): value is { value: unknown } {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

function reveal(value: unknown, found: { secret: boolean }): unknown {
  if (isSecret(value)) {
    found.secret = true;
    return reveal(value.value, found);
  }
  if (Array.isArray(value)) return value.map((item) => reveal(item, found));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item, found)]));
  }
  return value;
}

export interface Bag {
  props: PropertyMap;
  /** Top-level properties that were (or held) a secret. */
  secrets: Set<string>;
}

export function fromStruct(struct: structTypes.Struct | undefined): Bag {
  const props: PropertyMap = {};
  const secrets = new Set<string>();
  for (const [key, value] of Object.entries(struct?.toJavaScript() ?? {})) {
    const found = { secret: false };
    props[key] = reveal(value, found);
    if (found.secret) secrets.add(key);
  }
  return { props, secrets };
}

/** A Struct of `props`, the `secrets` among them wrapped; undefined values are absent keys. */
export function toStruct(props: PropertyMap, secrets: Iterable<string> = []): structTypes.Struct {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(props));
  for (const key of new Set(secrets)) {
    if (key in out) out[key] = { [SIGNATURE_KEY]: SECRET_SIGNATURE, value: out[key] };
  }
  return structproto.Struct.fromJavaScript(out as Record<string, structTypes.JavaScriptValue>);
}
