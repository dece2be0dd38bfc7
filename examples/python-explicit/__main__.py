import pulumi
import pulumi_mamutecloud as mamutecloud

config = pulumi.Config()
domain = config.get("domain")
if domain is None:
    domain = "example.com"
site_host = config.get("siteHost")
if site_host is None:
    site_host = "mamute-explicit.mamutecdn.com"
site = mamutecloud.Bucket("site", force_destroy=True)
found = mamutecloud.get_bucket_output(id=site.id)
deployer = mamutecloud.BucketCredential("deployer", bucket_id=site.id)
cdn = mamutecloud.CdnResource("cdn",
    description="The site bucket at the edge",
    distribution_domain=site_host,
    storage_origin={
        "bucket_id": site.id,
    })
files = mamutecloud.SyncedFolder("files",
    bucket=site.id,
    access_key_id=deployer.access_key_id,
    secret_access_key=deployer.secret_access_key,
    path="./www",
    cdn_resource_id=cdn.id)
zone = mamutecloud.DnsZone("zone", domain=domain)
www = mamutecloud.DnsRecord("www",
    zone_id=zone.id,
    name="www",
    type="CNAME",
    ttl=300,
    values=[site_host])
pulumi.export("bucketName", site.name)
pulumi.export("s3Endpoint", site.s3_endpoint)
pulumi.export("accessKeyId", deployer.access_key_id)
pulumi.export("secretAccessKey", deployer.secret_access_key)
pulumi.export("nameservers", zone.nameservers)
pulumi.export("siteUrl", cdn.site_url)
pulumi.export("foundName", found.name)
