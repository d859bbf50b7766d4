package io.swarmnet.lb.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.lb.scheduler.SchedulerType;
import org.junit.jupiter.api.Test;

class ServiceTableTest {
    static final int VNI = 4096;
    static final int VIP = 0x0A00_0002;
    static final long VIP_MAC = 0x02_42_0A_00_00_02L;

    private static ServiceTable.Builder web(long version, ServiceTable previous) {
        return ServiceTable.builder(version, previous).service("web", VNI, VIP, VIP_MAC, SchedulerType.RR);
    }

    @Test
    void findsAVipByNetworkAndAddress() {
        ServiceTable t = web(1, ServiceTable.EMPTY)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0006, 0x02_42_0A_00_00_06L, Backend.REMOTE, 0xC000_020C, BackendState.DRAINING, 1)
                .build();
        VirtualServer vs = t.service(VNI, VIP);
        assertThat(vs.backendCount()).isEqualTo(2);
        assertThat(vs.indexOf(0x0A00_0006)).isEqualTo(1);
        assertThat(vs.backend(1).vtep()).isEqualTo(0xC000_020C);
        assertThat(vs.backend(0).localPort()).isEqualTo(3);
        assertThat(t.service(VNI + 1, VIP)).isNull();
        assertThat(t.service(VNI, VIP + 1)).isNull();
        assertThat(t.version()).isEqualTo(1);
    }

    @Test
    void newFlowsSkipDrainingBackends() {
        ServiceTable t = web(1, ServiceTable.EMPTY)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.DRAINING, 1)
                .backend(VNI, VIP, 0x0A00_0006, 0x02_42_0A_00_00_06L, 4, 0, BackendState.ACTIVE, 1)
                .build();
        VirtualServer vs = t.service(VNI, VIP);
        for (int i = 0; i < 10; i++) {
            assertThat(vs.pick(i, 0x0A00_0064)).isEqualTo(1);
        }
    }

    @Test
    void aClientIsNotItsOwnBackendWhileAnotherIsActive() {
        ServiceTable t = ServiceTable.builder(1).service("web", VNI, VIP, VIP_MAC, SchedulerType.MAGLEV)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0006, 0x02_42_0A_00_00_06L, 4, 0, BackendState.ACTIVE, 1)
                .build();
        VirtualServer vs = t.service(VNI, VIP);
        for (int h = 0; h < 1000; h++) {
            assertThat(vs.pick(h, 0x0A00_0005)).isEqualTo(1);
        }
        ServiceTable alone = web(2, t).backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1)
                .build();
        assertThat(alone.service(VNI, VIP).pick(1, 0x0A00_0005)).isEqualTo(-1);
    }

    @Test
    void backendsKeepTheirCountersAcrossSnapshots() {
        ServiceTable first = web(1, ServiceTable.EMPTY)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1).build();
        first.service(VNI, VIP).backend(0).counters().flowOpened();
        ServiceTable second = web(2, first)
                .backend(VNI, VIP, 0x0A00_0006, 0x02_42_0A_00_00_06L, 4, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.DRAINING, 1).build();
        VirtualServer vs = second.service(VNI, VIP);
        assertThat(vs.backend(vs.indexOf(0x0A00_0005)).counters().activeFlows()).isEqualTo(1);
        assertThat(vs.backend(vs.indexOf(0x0A00_0006)).counters().picks()).isZero();
    }

    @Test
    void roundRobinGoesOnWhereThePreviousSnapshotsTurnWas() {
        ServiceTable first = web(1, ServiceTable.EMPTY)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0006, 0x02_42_0A_00_00_06L, 4, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0007, 0x02_42_0A_00_00_07L, 5, 0, BackendState.ACTIVE, 1).build();
        assertThat(first.service(VNI, VIP).pick(0, 1)).isZero();
        ServiceTable second = web(2, first)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0006, 0x02_42_0A_00_00_06L, 4, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0007, 0x02_42_0A_00_00_07L, 5, 0, BackendState.ACTIVE, 1).build();
        assertThat(second.service(VNI, VIP).pick(0, 1)).isEqualTo(1);
        ServiceTable third = web(3, second)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1).build();
        assertThat(third.service(VNI, VIP).pick(0, 1)).isZero();
    }

    @Test
    void rejectsWhatTheControlPlaneShouldNeverSend() {
        assertThatThrownBy(() -> web(1, ServiceTable.EMPTY).service("dup", VNI, VIP, VIP_MAC, SchedulerType.RR))
                .hasMessageContaining("added twice");
        assertThatThrownBy(() -> ServiceTable.builder(1).backend(VNI, VIP, 1, 2, 0, 0, BackendState.ACTIVE, 1))
                .hasMessageContaining("not added");
        assertThatThrownBy(() -> web(1, ServiceTable.EMPTY)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 1))
                .hasMessageContaining("added twice");
        assertThatThrownBy(() -> ServiceTable.builder(1).service("x", VNI, 0xE000_0001, VIP_MAC, SchedulerType.RR))
                .hasMessageContaining("not a unicast");
        assertThatThrownBy(() -> web(1, ServiceTable.EMPTY)
                .backend(VNI, VIP, 0x0A00_0005, 0x02_42_0A_00_00_05L, 3, 0, BackendState.ACTIVE, 0))
                .hasMessageContaining("weight");
    }
}
