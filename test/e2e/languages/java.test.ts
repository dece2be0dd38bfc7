// examples/java through the real CLI: a StaticSite in Java (the generated SDK's class; the plugin
// constructs it), run by pulumi-java's host with Maven against the SDK `npm run sdks -- --build` installed.
import { siteLifecycle } from "./site";

siteLifecycle({ example: "java" });
