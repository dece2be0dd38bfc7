// The environment of Debian's `aws` CLI as a user configures it for an S3-compatible endpoint:
// credentials and region in the environment, path-style addressing in a config file, nothing else
// (no profile, no instance metadata). The endpoint goes on the command line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function awsCliEnv(home: string, accessKeyId: string, secretAccessKey: string): NodeJS.ProcessEnv {
  const config = join(home, "aws-config");
  writeFileSync(config, "[default]\ns3 =\n    addressing_style = path\n");
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
