package generated_program;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.mamutecloud.Bucket;
import com.pulumi.mamutecloud.BucketArgs;
import com.pulumi.mamutecloud.MamutecloudFunctions;
import com.pulumi.mamutecloud.inputs.GetBucketArgs;
import com.pulumi.mamutecloud.BucketCredential;
import com.pulumi.mamutecloud.BucketCredentialArgs;
import com.pulumi.mamutecloud.CdnResource;
import com.pulumi.mamutecloud.CdnResourceArgs;
import com.pulumi.mamutecloud.inputs.CdnStorageOriginArgs;
import com.pulumi.mamutecloud.SyncedFolder;
import com.pulumi.mamutecloud.SyncedFolderArgs;
import com.pulumi.mamutecloud.DnsZone;
import com.pulumi.mamutecloud.DnsZoneArgs;
import com.pulumi.mamutecloud.DnsRecord;
import com.pulumi.mamutecloud.DnsRecordArgs;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;

public class App {
    public static void main(String[] args) {
        Pulumi.run(App::stack);
    }

    public static void stack(Context ctx) {
        final var config = ctx.config();
        final var domain = config.get("domain").orElse("example.com");
        final var siteHost = config.get("siteHost").orElse("mamute-explicit.mamutecdn.com");
        var site = new Bucket("site", BucketArgs.builder()
            .forceDestroy(true)
            .build());

        final var found = MamutecloudFunctions.getBucket(GetBucketArgs.builder()
            .id(site.id())
            .build());

        var deployer = new BucketCredential("deployer", BucketCredentialArgs.builder()
            .bucketId(site.id())
            .build());

        var cdn = new CdnResource("cdn", CdnResourceArgs.builder()
            .description("The site bucket at the edge")
            .distributionDomain(siteHost)
            .storageOrigin(CdnStorageOriginArgs.builder()
                .bucketId(site.id())
                .build())
            .build());

        var files = new SyncedFolder("files", SyncedFolderArgs.builder()
            .bucket(site.id())
            .accessKeyId(deployer.accessKeyId())
            .secretAccessKey(deployer.secretAccessKey())
            .path("./www")
            .cdnResourceId(cdn.id())
            .build());

        var zone = new DnsZone("zone", DnsZoneArgs.builder()
            .domain(domain)
            .build());

        var www = new DnsRecord("www", DnsRecordArgs.builder()
            .zoneId(zone.id())
            .name("www")
            .type("CNAME")
            .ttl(300)
            .values(siteHost)
            .build());

        ctx.export("bucketName", site.name());
        ctx.export("s3Endpoint", site.s3Endpoint());
        ctx.export("accessKeyId", deployer.accessKeyId());
        ctx.export("secretAccessKey", deployer.secretAccessKey());
        ctx.export("nameservers", zone.nameservers());
        ctx.export("siteUrl", cdn.siteUrl());
        ctx.export("foundName", found.applyValue(_found -> _found.name()));
    }
}
