package io.swarmnet.cli.swarm;

import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.cluster.InitSpec;
import io.swarmnet.control.model.ClusterConfig;
import io.swarmnet.control.model.Network;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code swarmnet init}: records the address pools and creates the ingress network, once
 * per cluster, like {@code docker swarm init}. A second run is an error, as docker's is:
 * its flags would otherwise silently not apply.
 */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Initialize the cluster: the default address pool and the ingress network.")
public final class InitCommand extends ClusterCommand {
    @Option(names = "--ingress-subnet", paramLabel = "CIDR", defaultValue = InitSpec.DEFAULT_INGRESS_SUBNET,
            description = "The ingress network's subnet (default: ${DEFAULT-VALUE}).")
    String ingressSubnet;

    @Option(names = "--default-addr-pool", paramLabel = "CIDR",
            description = "Pool that networks' subnets come from; repeatable (default: " + ClusterConfig.DEFAULT_POOL + ").")
    List<String> pools = new ArrayList<>();

    @Option(names = "--default-addr-pool-mask-length", paramLabel = "N", defaultValue = "24",
            description = "Prefix length of the subnets carved from the pool (default: ${DEFAULT-VALUE}).")
    int maskLength;

    @Override
    int run(ClusterStore cluster, StoreOptions options) {
        Network ingress = cluster.init(new InitSpec(ingressSubnet, pools, maskLength));
        out().println("Cluster initialized in " + cluster.store().address() + ": ingress network " + ingress.name()
                + " " + ingress.subnet() + " (VNI " + ingress.vni() + ", ID " + Formats.shortId(ingress.id()) + ").");
        out().flush();
        return 0;
    }
}
