// The one rule about a chosen distribution name that is known without asking the API: `r-` and 16
// hex digits is the shape of the names the API generates (`r-<id>.mamutecdn.com`), and it refuses
// them as a choice. Shared by CdnResource's check and StaticSite (which runs in the program, so it
// fails even an `up --skip-preview` before the site's bucket is made).
import { DISTRIBUTION_SUFFIX } from "../cdnApi";

const GENERATED_LABEL = /^r-[0-9a-f]{16}$/;

/** `r-0123456789abcdef`, in any case, bare or as `….mamutecdn.com(.)`. */
export function isGeneratedDistributionName(raw: string): boolean {
  const lowered = raw.trim().toLowerCase().replace(/\.$/, "");
  const label = lowered.endsWith(`.${DISTRIBUTION_SUFFIX}`) ? lowered.slice(0, -DISTRIBUTION_SUFFIX.length - 1) : lowered;
  return GENERATED_LABEL.test(label);
}

export function generatedNameReason(raw: string): string {
  return (
    `"${raw}" has the shape of a generated name (r- and 16 hex digits), which the API keeps for itself: choose another ` +
    `name, or omit distributionDomain to get a generated r-<id>.${DISTRIBUTION_SUFFIX}`
  );
}
