// examples/go-explicit through the real CLI: the Go host builds main.go (`go build`) against the generated SDK
// in sdk/go (go.mod's replace) and github.com/pulumi/pulumi/sdk/v3 from the Go module proxy, with the
// go.sum committed beside it.
import { explicitLifecycle } from "./explicit";

explicitLifecycle({ example: "go-explicit" });
