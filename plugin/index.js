// The plugin folder's entry: the Node language host requires this folder (through
// `@pulumi/pulumi/cmd/run-plugin`), and this starts the provider from the installed package.
// Nothing is exported: a folder whose entry exports a ComponentResource is hosted as a component
// provider instead.
require("pulumi-mamutecloud/plugin");
