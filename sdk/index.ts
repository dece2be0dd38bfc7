// The dynamic SDK: the resource classes and their types are generated from the definitions
// (generated/, by `npm run schema`); StaticSite is a hand-written component of them.
export * from "./generated";
export { StaticSite, StaticSiteError, type StaticSiteArgs, type StaticSiteDnsRecord, type StaticSiteDomainArgs } from "./staticSite";
