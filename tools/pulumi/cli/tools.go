//go:build tools

// The Pulumi CLI, built from its Go module at the version pinned in go.mod (scripts/pulumi-install.js).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
