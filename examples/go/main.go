package main

import (
	"github.com/mamutecloud/pulumi-mamutecloud/sdk/go/mamutecloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		site, err := mamutecloud.NewStaticSite(ctx, "site", &mamutecloud.StaticSiteArgs{
			Path:          pulumi.String("./www"),
			ErrorDocument: pulumi.String("404.html"),
		})
		if err != nil {
			return err
		}
		ctx.Export("url", site.Url)
		ctx.Export("distributionDomain", site.DistributionDomain)
		ctx.Export("bucketName", site.BucketName)
		return nil
	})
}
