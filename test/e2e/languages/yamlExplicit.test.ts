// examples/yaml-explicit, the program the Python, Go and Java examples are converted from, run as
// it is by the YAML host: the same lifecycle and checks as theirs.
import { explicitLifecycle } from "./explicit";

explicitLifecycle({ example: "yaml-explicit" });
