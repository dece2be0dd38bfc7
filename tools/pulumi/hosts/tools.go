//go:build tools

// The Node.js, Python and Go language hosts, built from their Go modules at the commit pinned in
// go.mod (scripts/pulumi-install.js says why it is not the CLI's own commit).
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3"
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
	_ "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"
)
