// Runs a Pulumi program (compiled JS) under `pulumi.runtime.setMocks` in this process, with the
// program's own @pulumi/pulumi and packages resolved from the program's folder, as `pulumi up`
// would. Every resource registration is forwarded to the parent (the test), which drives the real
// provider host and answers with the id and outputs. Plain JS: it runs outside the repository.
"use strict";
const path = require("path");

const programPath = path.resolve(process.argv[2]);
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [path.dirname(programPath)] }));

let sequence = 0;
const pending = new Map();
process.on("message", (message) => {
  const waiter = pending.get(message.seq);
  if (!waiter) return;
  pending.delete(message.seq);
  if (message.error) waiter.reject(new Error(message.error));
  else waiter.resolve(message.result);
});

function ask(kind, payload) {
  return new Promise((resolve, reject) => {
    const seq = ++sequence;
    pending.set(seq, { resolve, reject });
    process.send({ seq, kind, payload });
  }).catch((error) => {
    failNow(error);
    throw error;
  });
}

// A failed resource ends the update, as the engine ends \`pulumi up\`: under mocks its dependents'
// outputs would never resolve, and the program would wait for them forever.
let failedNow = false;
function failNow(error) {
  if (failedNow) return;
  failedNow = true;
  process.send({ kind: "failed", error: String((error && error.stack) || error) }, () => process.exit(0));
}

// The dynamic provider host does not accept secrets, so the engine sends their plain values.
const rpc = require(require.resolve("@pulumi/pulumi/runtime/rpc", { paths: [path.dirname(programPath)] }));
function withoutSecretMarks(value) {
  if (rpc.isRpcSecret(value)) return withoutSecretMarks(rpc.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(withoutSecretMarks);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutSecretMarks(item)]));
  }
  return value;
}

let failure;
let outputs;
process.on("unhandledRejection", (err) => (failure = failure || err));

pulumi.runtime.setMocks(
  {
    // A component (custom = false) has no provider: the engine only records it.
    newResource: (args) =>
      args.custom
        ? ask("newResource", { type: args.type, name: args.name, inputs: withoutSecretMarks(args.inputs) })
        : { id: "", state: {} },
    call: () => ({}),
  },
  "program",
  "test",
  false,
);

(async () => {
  try {
    const exported = require(programPath);
    await pulumi.runtime.disconnect();
    // The stack outputs, as `pulumi stack output --show-secrets --json` would print them.
    outputs = await new Promise((resolve) => pulumi.output(exported).apply(resolve));
  } catch (err) {
    failure = failure || err;
  }
  const message = failure
    ? { kind: "failed", error: String(failure.stack || failure) }
    : { kind: "done", outputs: JSON.parse(JSON.stringify(outputs ?? {})) };
  process.send(message, () => process.exit(0));
})();
