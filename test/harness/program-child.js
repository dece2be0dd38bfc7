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
  });
}

let failure;
process.on("unhandledRejection", (err) => (failure = failure || err));

pulumi.runtime.setMocks(
  {
    newResource: (args) => ask("newResource", { type: args.type, name: args.name, inputs: args.inputs }),
    call: () => ({}),
  },
  "program",
  "test",
  false,
);

(async () => {
  try {
    require(programPath);
    await pulumi.runtime.disconnect();
  } catch (err) {
    failure = failure || err;
  }
  process.send({ kind: failure ? "failed" : "done", error: failure ? String(failure.stack || failure) : undefined }, () =>
    process.exit(0),
  );
})();
