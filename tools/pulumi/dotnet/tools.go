//go:build tools

// pulumi-dotnet's language host, which generates the .NET SDK for `pulumi package gen-sdk --language
// dotnet` (building or running .NET needs the .NET SDK, which these machines do not have), built from
// its Go module at the version pinned in go.mod.
package tools

import _ "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3"
