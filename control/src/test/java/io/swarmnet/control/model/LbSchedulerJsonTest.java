package io.swarmnet.control.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-service load-balancing scheduler in the service record: optional, round-robin when absent. */
class LbSchedulerJsonTest {
    private static final String ID = "0123456789abcdefghijklmno";

    @Test
    void aRecordWrittenBeforeTheSchedulerExistedReadsAsRoundRobin() {
        String json = "{\"version\":1,\"id\":\"" + ID + "\",\"name\":\"web\",\"mode\":\"replicated\",\"replicas\":1,"
                + "\"endpointMode\":\"vip\",\"networks\":[],\"ports\":[],\"command\":[],\"labels\":{}}";
        assertThat(ModelJson.read(json.getBytes(UTF_8), Service.class).lbScheduler()).isEqualTo(LbScheduler.RR);
    }

    @Test
    void writesAndReadsTheSchedulerByItsLabel() {
        Service s = new Service(1, ID, "web", ServiceMode.REPLICATED, 2, EndpointMode.VIP, List.of(), List.of(),
                List.of(), Map.of(), LbScheduler.MAGLEV, null);
        String json = new String(ModelJson.write(s), UTF_8);
        assertThat(json).contains("\"lbScheduler\":\"maglev\"");
        assertThat(ModelJson.read(json.getBytes(UTF_8), Service.class)).isEqualTo(s);
    }

    @Test
    void parsesTheCliNames() {
        assertThat(LbScheduler.parse("WRR")).isEqualTo(LbScheduler.WRR);
        assertThatThrownBy(() -> LbScheduler.parse("lc")).hasMessageContaining("expected rr, wrr or maglev");
    }
}
