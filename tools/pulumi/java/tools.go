//go:build tools

// pulumi-java's language host, built from its Go module at the version pinned in go.mod. It runs Java
// programs, and `pulumi package gen-sdk --language java` and `pulumi convert --language java` ask it to
// generate (the same generator as pulumi-java-gen, which calls itself deprecated in favour of gen-sdk).
package tools

import _ "github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java"
