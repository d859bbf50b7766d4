package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.CpuSet;
import org.junit.jupiter.api.Test;

/**
 * Which CPUs a VTEP runs its shards on: shard {@code i} serves queue and socket {@code i},
 * which the kernel picks as {@code cpu % shards}, so the CPUs must reach every shard once.
 */
class VtepShardCpusTest {
    private static VtepConfig.Builder config(String cpus) {
        return VtepConfig.builder(Ipv4Address.parse("192.0.2.40")).cpus(CpuSet.parse(cpus));
    }

    @Test
    void aShardPerCpuInQueueOrder() {
        assertThat(Vtep.shardCpus(config("0-1").build())).containsExactly(0, 1);
        assertThat(Vtep.shardCpus(config("2-3").build())).containsExactly(2, 3);
        assertThat(Vtep.shardCpus(config("3,5,7").build())).as("3%3=0, 7%3=1, 5%3=2").containsExactly(3, 7, 5);
        assertThat(Vtep.shardCpus(config("0-63").build())).as("at most 16, the first CPU of each queue")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    @Test
    void oneLoopWhereTheSteeringCannotNameTheShards() {
        assertThat(Vtep.shardCpus(config("0,2").build())).as("both are queue 0").containsExactly(-1);
        assertThat(Vtep.shardCpus(config("1").build())).containsExactly(-1);
        assertThat(Vtep.shardCpus(VtepConfig.builder(Ipv4Address.parse("192.0.2.40")).build()))
                .as("no CPUs named: one loop, the default").containsExactly(-1);
        assertThat(Vtep.shardCpus(config("0-1").loops(1).build())).containsExactly(-1);
        assertThat(Vtep.shardCpus(config("0-1").transport(Transport.IO_URING).build())).containsExactly(-1);
        assertThat(Vtep.shardCpus(config("0-15,17").build())).as("17 CPUs: 16 shards, 17 shares queue 1")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(Vtep.shardCpus(config("0-4,6-20").build())).as("19 CPUs, 16 queues, none for queue 5")
                .containsExactly(-1);
    }
}
