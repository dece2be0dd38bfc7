// The plugin's wire: long strings cross through Node's UTF-8 codec (nativeStrings in
// provider/plugin/wire.ts), and the bytes are exactly those google-protobuf's own code writes.
import { createRequire } from "node:module";
import { structproto } from "../../provider/plugin/wire";

const value = {
  ascii: "a".repeat(300),
  accents: "é".repeat(300),
  cjk: "中文".repeat(200),
  emoji: "🙂 ".repeat(200),
  short: "hé 🙂",
  empty: "",
  manifest: `@files 1\n${Array.from({ length: 2000 }, (_, i) => `ü/page-${i}.html\tAbCdEfGhIjKlMnOpQrStUv ${i} abcdef\n`).join("")}`,
  nested: { list: ["x".repeat(500), "y", { deeper: "ß".repeat(400) }], number: 3, flag: true },
};

type Patched = { name: string; original?: (...args: never[]) => unknown };

/** The runtime of the stubs @pulumi/pulumi ships, which the plugin's messages go through. */
const runtime = createRequire(require.resolve("@pulumi/pulumi/proto/provider_pb"))("google-protobuf") as typeof import("google-protobuf");

/** `run` with google-protobuf's own string methods, as they were before the plugin's. */
function withGoogleStrings<T>(run: () => T): T {
  const writer = runtime.BinaryWriter.prototype;
  const reader = runtime.BinaryReader.prototype;
  const native = { write: writer.writeString, read: reader.readString };
  writer.writeString = (native.write as unknown as Patched).original as typeof writer.writeString;
  reader.readString = (native.read as unknown as Patched).original as typeof reader.readString;
  try {
    return run();
  } finally {
    writer.writeString = native.write;
    reader.readString = native.read;
  }
}

test("the stubs' runtime reads and writes strings natively", () => {
  const names = [runtime.BinaryWriter.prototype.writeString, runtime.BinaryReader.prototype.readString].map(
    (f) => (f as unknown as Patched).name,
  );
  expect(names).toEqual(["writeNative", "readNative"]);
});

test("long strings are written byte for byte as google-protobuf writes them, and each reads what the other wrote", () => {
  const expected = Buffer.from(withGoogleStrings(() => structproto.Struct.fromJavaScript(value).serializeBinary()));
  const written = Buffer.from(structproto.Struct.fromJavaScript(value).serializeBinary());
  expect(written.equals(expected)).toBe(true);
  expect(written.includes(Buffer.from(value.emoji, "utf8"))).toBe(true);
  expect(structproto.Struct.deserializeBinary(written).toJavaScript()).toEqual(value);
  expect(withGoogleStrings(() => structproto.Struct.deserializeBinary(written).toJavaScript())).toEqual(value);
  // A manifest of 1.2 MB crosses whole.
  const big = { files: value.manifest.repeat(12) };
  const bytes = structproto.Struct.fromJavaScript(big).serializeBinary();
  expect(bytes.length).toBeGreaterThan(1_000_000);
  expect(structproto.Struct.deserializeBinary(bytes).toJavaScript()).toEqual(big);
});
