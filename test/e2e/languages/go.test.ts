// examples/go through the real CLI: a StaticSite in Go (the generated SDK's NewStaticSite; the plugin
// constructs it), built by the Go host against sdk/go (go.mod's replace) with the go.sum committed beside it.
import { siteLifecycle } from "./site";

siteLifecycle({ example: "go" });
