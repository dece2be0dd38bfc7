// Every route of the reference, so that each documented route the emulator does not serve
// answers 501 instead of a 404 "no route", which a client would read as "this object is gone".
import { ApiError } from "./http";
import type { Route } from "./router";

export interface DocumentedRoute {
  method: string;
  /** As in the reference; `/files/` is served as `/files` (the router ignores a trailing slash). */
  template: string;
  summary: string;
}

const REFERENCE: readonly [method: string, template: string, summary: string][] = [
  ["GET", "/analytics/reports", "Generate Analytics Reports"],
  ["GET", "/analytics/stats", "Get Analytics Statistics"],
  ["GET", "/billing/account", "Get Billing Account"],
  ["PUT", "/billing/account", "Update Billing Account"],
  ["GET", "/billing/invoices", "List Invoices"],
  ["GET", "/billing/usage", "Get Usage Statistics"],
  ["GET", "/cdn/origin-group/{id}", "Get origin group by ID"],
  ["PUT", "/cdn/origin-group/{id}", "Update origin group"],
  ["GET", "/cdn/resource", "List all resources"],
  ["POST", "/cdn/resource", "Create resource"],
  ["GET", "/cdn/resource/check-distribution-name", "Check distribution name availability"],
  ["GET", "/cdn/resource/{id}", "Get resource by ID"],
  ["PUT", "/cdn/resource/{id}", "Update resource"],
  ["DELETE", "/cdn/resource/{id}", "Delete resource"],
  ["PUT", "/cdn/resource/{id}/custom-domain/{customDomainId}", "Update custom domain in resource"],
  ["POST", "/cdn/resource/{id}/custom-domain/{customDomainId}/activate", "Activate custom domain"],
  ["POST", "/cdn/resource/{id}/custom-domain/{customDomainId}/deactivate", "Deactivate custom domain"],
  ["POST", "/cdn/resource/{id}/purge/all", "Purge all cache"],
  ["GET", "/cdn/resource/{id}/purge/history", "Get purge history"],
  ["POST", "/cdn/resource/{id}/purge/pattern", "Purge cache by pattern"],
  ["POST", "/cdn/resource/{id}/purge/url", "Purge cache by URL"],
  ["POST", "/cdn/resource/{resource_id}/signed-url", "Create signed URL"],
  ["POST", "/cdn/resource/{resource_id}/token-auth/disable", "Disable token auth"],
  ["GET", "/cdn/ssl-certificate", "List all SSL certificates"],
  ["POST", "/cdn/ssl-certificate", "Request a new SSL certificate"],
  ["POST", "/cdn/ssl-certificate/import", "Import an existing SSL certificate"],
  ["GET", "/cdn/ssl-certificate/{id}", "Get SSL certificate details"],
  ["DELETE", "/cdn/ssl-certificate/{id}", "Delete an SSL certificate"],
  ["GET", "/dns/records", "List DNS records"],
  ["POST", "/dns/records", "Create DNS record"],
  ["PUT", "/dns/records/{record_id}", "Update DNS Record"],
  ["GET", "/dns/zones", "List DNS Zones"],
  ["POST", "/dns/zones", "Create DNS Zone"],
  ["GET", "/dns/zones/{id}", "Get DNS Zone Details"],
  ["DELETE", "/dns/zones/{id}", "Delete DNS Zone"],
  ["GET", "/dns/zones/{zone_id}/records", "List DNS Records"],
  ["POST", "/dns/zones/{zone_id}/records", "Create DNS Record"],
  ["GET", "/dns/zones/{zone_id}/records/{record_id}", "Get DNS Record"],
  ["DELETE", "/dns/zones/{zone_id}/records/{record_id}", "Delete DNS Record"],
  ["POST", "/files", "Create new upload"],
  ["DELETE", "/files/{upload_id}", "Cancel upload"],
  ["PATCH", "/files/{upload_id}", "Upload file chunk"],
  ["GET", "/object-storage/buckets", "List buckets"],
  ["POST", "/object-storage/buckets", "Create bucket"],
  ["GET", "/object-storage/buckets/{bucketId}", "Get bucket details"],
  ["PUT", "/object-storage/buckets/{bucketId}", "Update bucket"],
  ["DELETE", "/object-storage/buckets/{bucketId}", "Delete bucket"],
  ["GET", "/object-storage/buckets/{bucketId}/credentials", "List credentials"],
  ["POST", "/object-storage/buckets/{bucketId}/credentials", "Create S3 credentials"],
  ["DELETE", "/object-storage/buckets/{bucketId}/credentials/{accessKeyId}", "Revoke credential"],
  ["GET", "/object-storage/buckets/{bucketId}/files", "List files"],
  ["POST", "/object-storage/buckets/{bucketId}/files", "Create file"],
  ["GET", "/object-storage/buckets/{bucketId}/files/{fileId}", "Get file details"],
  ["PUT", "/object-storage/buckets/{bucketId}/files/{fileId}", "Update file"],
  ["DELETE", "/object-storage/buckets/{bucketId}/files/{fileId}", "Delete file"],
  ["POST", "/object-storage/buckets/{bucketId}/files/{fileId}/copy", "Copy file"],
  ["GET", "/object-storage/buckets/{bucketId}/files/{fileId}/download", "Get download URL"],
  ["GET", "/object-storage/buckets/{bucketId}/folders", "List folders"],
  ["POST", "/object-storage/buckets/{bucketId}/folders", "Create folder"],
  ["GET", "/object-storage/buckets/{bucketId}/folders/{folderId}", "Get folder details"],
  ["PUT", "/object-storage/buckets/{bucketId}/folders/{folderId}", "Update folder"],
  ["DELETE", "/object-storage/buckets/{bucketId}/folders/{folderId}", "Delete folder"],
  ["GET", "/organization", "Get Organization Details"],
  ["PUT", "/organization", "Update Organization"],
  ["GET", "/organization/profile", "Get Organization Profile"],
  ["PUT", "/organization/profile", "Update Organization Profile"],
  ["POST", "/resource/{resource_id}/token-auth/enable", "Enable token auth"],
  ["GET", "/security/apikey", "Get API Key"],
  ["POST", "/security/apikey", "Generate API Key"],
  ["DELETE", "/security/apikey", "Revoke API Key"],
  ["POST", "/user/change-password", "Change Password"],
  ["POST", "/user/mfa/disable", "Disable Multi-Factor Authentication"],
  ["POST", "/user/mfa/enable", "Enable Multi-Factor Authentication"],
  ["GET", "/user/profile", "Get User Profile"],
  ["PUT", "/user/profile", "Update User Profile"],
];

export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = REFERENCE.map(([method, template, summary]) => ({
  method,
  template,
  summary,
}));

/** `/cdn/resource/{id}` and `/cdn/resource/{resource_id}` are the same route. */
function routeShape(method: string, template: string): string {
  return `${method} ${template.replace(/\{[^}]+\}/g, "{}")}`;
}

/** A 501 route for each documented route that no route in `served` answers (after authentication, like any route). */
export function notEmulatedRoutes(served: readonly Route[]): Route[] {
  const servedShapes = new Set(served.map((route) => routeShape(route.method, route.template)));
  return DOCUMENTED_ROUTES.filter((route) => !servedShapes.has(routeShape(route.method, route.template))).map((route) => ({
    method: route.method,
    template: route.template,
    handler: () => {
      throw new ApiError(501, "not_implemented", `${route.method} ${route.template} (${route.summary}) is documented but not emulated`);
    },
  }));
}
