import pulumi
import pulumi_mamutecloud as mamutecloud

site = mamutecloud.StaticSite("site",
    path="./www",
    error_document="404.html")
pulumi.export("url", site.url)
pulumi.export("distributionDomain", site.distribution_domain)
pulumi.export("bucketName", site.bucket_name)
