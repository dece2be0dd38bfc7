//go:build tools

// The Pulumi YAML language host, built from pulumi-yaml at the version pinned in go.mod.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
