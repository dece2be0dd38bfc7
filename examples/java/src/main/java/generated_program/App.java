package generated_program;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import com.pulumi.mamutecloud.StaticSite;
import com.pulumi.mamutecloud.StaticSiteArgs;
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
        var site = new StaticSite("site", StaticSiteArgs.builder()
            .path("./www")
            .errorDocument("404.html")
            .build());

        ctx.export("url", site.url());
        ctx.export("distributionDomain", site.distributionDomain());
        ctx.export("bucketName", site.bucketName());
    }
}
