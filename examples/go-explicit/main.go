package main

import (
	"github.com/mamutecloud/pulumi-mamutecloud/sdk/go/mamutecloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		domain := "example.com"
		if param := cfg.Get("domain"); param != "" {
			domain = param
		}
		siteHost := "mamute-explicit.mamutecdn.com"
		if param := cfg.Get("siteHost"); param != "" {
			siteHost = param
		}
		site, err := mamutecloud.NewBucket(ctx, "site", &mamutecloud.BucketArgs{
			ForceDestroy: pulumi.Bool(true),
		})
		if err != nil {
			return err
		}
		found := mamutecloud.LookupBucketOutput(ctx, mamutecloud.LookupBucketOutputArgs{
			Id: site.ID(),
		}, nil)
		deployer, err := mamutecloud.NewBucketCredential(ctx, "deployer", &mamutecloud.BucketCredentialArgs{
			BucketId: site.ID(),
		})
		if err != nil {
			return err
		}
		cdn, err := mamutecloud.NewCdnResource(ctx, "cdn", &mamutecloud.CdnResourceArgs{
			Description:        pulumi.String("The site bucket at the edge"),
			DistributionDomain: pulumi.String(siteHost),
			StorageOrigin: &mamutecloud.CdnStorageOriginArgs{
				BucketId: site.ID(),
			},
		})
		if err != nil {
			return err
		}
		_, err = mamutecloud.NewSyncedFolder(ctx, "files", &mamutecloud.SyncedFolderArgs{
			Bucket:          site.ID(),
			AccessKeyId:     deployer.AccessKeyId,
			SecretAccessKey: deployer.SecretAccessKey,
			Path:            pulumi.String("./www"),
			CdnResourceId:   cdn.ID(),
		})
		if err != nil {
			return err
		}
		zone, err := mamutecloud.NewDnsZone(ctx, "zone", &mamutecloud.DnsZoneArgs{
			Domain: pulumi.String(domain),
		})
		if err != nil {
			return err
		}
		_, err = mamutecloud.NewDnsRecord(ctx, "www", &mamutecloud.DnsRecordArgs{
			ZoneId: zone.ID(),
			Name:   pulumi.String("www"),
			Type:   pulumi.String("CNAME"),
			Ttl:    pulumi.Int(300),
			Values: pulumi.StringArray{
				pulumi.String(siteHost),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("bucketName", site.Name)
		ctx.Export("s3Endpoint", site.S3Endpoint)
		ctx.Export("accessKeyId", deployer.AccessKeyId)
		ctx.Export("secretAccessKey", deployer.SecretAccessKey)
		ctx.Export("nameservers", zone.Nameservers)
		ctx.Export("siteUrl", cdn.SiteUrl)
		ctx.Export("foundName", found.ApplyT(func(found mamutecloud.LookupBucketResult) (*string, error) {
			return &found.Name, nil
		}).(pulumi.StringPtrOutput))
		return nil
	})
}
