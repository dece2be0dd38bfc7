// examples/java-explicit through the real CLI: pulumi-java's host runs the program with Maven (`mvn compile
// exec:java`), against com.pulumi:pulumi from Maven Central and the generated SDK that `npm run sdks
// -- --build` installed in the local Maven repository (`mvn install` in sdk/java).
import { explicitLifecycle } from "./explicit";

explicitLifecycle({ example: "java-explicit" });
