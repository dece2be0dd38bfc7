// The provider object handed to `dynamic.Resource` is serialized into every resource's state
// (`__provider`). It is this shim: seven one-line methods that require the installed package when
// called and delegate to it. State stays small, tests run the code users run, and an upgrade of
// the package applies to resources created by an older version, delete included.
//
// The shim is this module's whole `module.exports`. When the SDK is loaded from node_modules (a
// user's program), Pulumi's serializer therefore stores a mere `require("pulumi-mamutecloud/shim")`;
// loaded from a path (this repository's tests), it copies these functions by value, which
// behaves the same. Nothing else may be captured here: `require` never is, and the resource kind
// travels in the props (`__kind`).
import type * as pulumi from "@pulumi/pulumi";

const m = () => require("pulumi-mamutecloud/provider");

const shim: pulumi.dynamic.ResourceProvider = {
  configure: (r) => m().configure(r),
  check: (o, n) => m().check(o, n),
  diff: (i, o, n) => m().diff(i, o, n),
  create: (n) => m().create(n),
  read: (i, o) => m().read(i, o),
  update: (i, o, n) => m().update(i, o, n),
  delete: (i, o) => m().delete(i, o),
};

export = shim;
