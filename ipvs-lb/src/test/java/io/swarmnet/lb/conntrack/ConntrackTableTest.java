package io.swarmnet.lb.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConntrackTableTest {
    static final int VNI = 4096;
    static final int VIP = 0x0A00_0002;
    static final int BACKEND = 0x0A00_0005;
    static final long NOW = 1_000_000_000L;
    static final long LATER = NOW + 60_000_000_000L;

    private final List<Integer> removed = new ArrayList<>();

    private ConntrackTable table(int capacity, int embryonic) {
        return new ConntrackTable(capacity, embryonic, removed::add);
    }

    private static int insert(ConntrackTable t, int client, int port, int state, long expires) {
        return t.insert(VNI, 6, client, port, VIP, 80, 0x02_4200_0000_0AL, 0x02_4200_0000_02L, BACKEND,
                0x02_4200_0000_05L, state, expires);
    }

    private static int findForward(ConntrackTable t, int client, int port, long now) {
        return t.find(ConntrackTable.forwardA(client, VIP), ConntrackTable.forwardB(VNI, 6, port, 80), now);
    }

    private static int findReply(ConntrackTable t, int client, int port, long now) {
        return t.find(ConntrackTable.replyA(BACKEND, client), ConntrackTable.replyB(VNI, 6, 80, port), now);
    }

    @Test
    void findsAFlowFromBothDirections() {
        ConntrackTable t = table(16, 4);
        int slot = insert(t, 0x0A00_000A, 40000, ConntrackTable.TCP_ESTABLISHED, LATER);
        assertThat(findForward(t, 0x0A00_000A, 40000, NOW)).isEqualTo(slot);
        assertThat(findReply(t, 0x0A00_000A, 40000, NOW)).isEqualTo(slot);
        assertThat(findForward(t, 0x0A00_000A, 40001, NOW)).isEqualTo(ConntrackTable.NONE);
        assertThat(t.clientPort(slot)).isEqualTo(40000);
        assertThat(t.vipPort(slot)).isEqualTo(80);
        assertThat(t.vni(slot)).isEqualTo(VNI);
        assertThat(t.backendIp(slot)).isEqualTo(BACKEND);
        assertThat(t.clientMac(slot)).isEqualTo(0x02_4200_0000_0AL);
        assertThat(t.size()).isEqualTo(1);
    }

    /** What a data-path shard that does not own the table reads to know a frame may need it. */
    @Test
    void knowsWhichClientsMayHaveFlowsUntilTheLastOneLeaves() {
        ConntrackTable t = table(16, 4);
        int client = 0x0A00_000A;
        assertThat(t.mayHaveFlowsTo(client)).isFalse();
        int a = insert(t, client, 40000, ConntrackTable.TCP_ESTABLISHED, LATER);
        int b = insert(t, client, 40001, ConntrackTable.UDP, LATER);
        assertThat(t.mayHaveFlowsTo(client)).isTrue();
        assertThat(t.mayHaveFlowsTo(client, 40000)).isTrue();
        assertThat(t.mayHaveFlowsTo(client, 40001)).isTrue();
        assertThat(t.mayHaveFlowsTo(client, 50000)).as("the client's other ends").isFalse();
        assertThat(t.mayHaveFlowsTo(BACKEND)).as("a backend is no client").isFalse();
        t.remove(a);
        assertThat(t.mayHaveFlowsTo(client)).as("one flow left").isTrue();
        assertThat(t.mayHaveFlowsTo(client, 40000)).isFalse();
        t.remove(b);
        assertThat(t.mayHaveFlowsTo(client)).isFalse();
        // Expiry and eviction leave through remove() too.
        insert(t, client, 40002, ConntrackTable.UDP, NOW + 10);
        assertThat(findForward(t, client, 40002, NOW + 11)).isEqualTo(ConntrackTable.NONE);
        assertThat(t.mayHaveFlowsTo(client)).isFalse();
    }

    @Test
    void anExpiredFlowIsNotFoundAndLeaves() {
        ConntrackTable t = table(16, 4);
        int slot = insert(t, 1, 1, ConntrackTable.UDP, NOW + 10);
        assertThat(findForward(t, 1, 1, NOW + 9)).isEqualTo(slot);
        assertThat(findForward(t, 1, 1, NOW + 11)).isEqualTo(ConntrackTable.NONE);
        assertThat(removed).containsExactly(slot);
        assertThat(t.size()).isZero();
        assertThat(t.expired()).isEqualTo(1);
    }

    @Test
    void sweepRemovesExpiredFlowsWithinItsBudget() {
        ConntrackTable t = table(64, 16);
        for (int i = 0; i < 40; i++) {
            insert(t, 0x0A00_0100 + i, 1000, ConntrackTable.UDP, i < 20 ? NOW : LATER);
        }
        assertThat(t.sweep(NOW + 1, 10)).isLessThanOrEqualTo(10);
        t.sweep(NOW + 1, 64);
        assertThat(t.size()).isEqualTo(20);
        for (int i = 20; i < 40; i++) {
            assertThat(findForward(t, 0x0A00_0100 + i, 1000, NOW + 1)).isNotEqualTo(ConntrackTable.NONE);
        }
    }

    @Test
    void aFullTableRefusesNewFlowsAndKeepsItsOwn() {
        ConntrackTable t = table(16, 4);
        for (int i = 0; i < 16; i++) {
            assertThat(insert(t, 100 + i, 1, ConntrackTable.TCP_ESTABLISHED, LATER)).isNotEqualTo(ConntrackTable.NONE);
        }
        assertThat(insert(t, 999, 1, ConntrackTable.UDP, LATER)).isEqualTo(ConntrackTable.NONE);
        assertThat(insert(t, 999, 2, ConntrackTable.TCP_SYN_SENT, LATER)).isEqualTo(ConntrackTable.NONE);
        for (int i = 0; i < 16; i++) {
            assertThat(findForward(t, 100 + i, 1, NOW)).isNotEqualTo(ConntrackTable.NONE);
        }
        assertThat(t.evictions()).isZero();
    }

    @Test
    void synFloodEvictsOnlyEmbryonicFlows() {
        ConntrackTable t = table(64, 8);
        for (int i = 0; i < 40; i++) {
            insert(t, 100 + i, 1, ConntrackTable.TCP_ESTABLISHED, LATER);
        }
        for (int i = 0; i < 10_000; i++) {
            assertThat(insert(t, 5000 + i, 7, ConntrackTable.TCP_SYN_SENT, LATER)).isNotEqualTo(ConntrackTable.NONE);
        }
        assertThat(t.embryonic()).isEqualTo(8);
        assertThat(t.size()).isEqualTo(48);
        assertThat(t.evictions()).isEqualTo(10_000 - 8);
        for (int i = 0; i < 40; i++) {
            assertThat(findForward(t, 100 + i, 1, NOW)).isNotEqualTo(ConntrackTable.NONE);
        }
        // The newest embryonic flows are the ones kept.
        assertThat(findForward(t, 5000 + 9_999, 7, NOW)).isNotEqualTo(ConntrackTable.NONE);
        assertThat(findForward(t, 5000, 7, NOW)).isEqualTo(ConntrackTable.NONE);
    }

    @Test
    void aFlowThatCompletesItsHandshakeLeavesTheEmbryonicBudget() {
        ConntrackTable t = table(64, 4);
        int first = insert(t, 1, 1, ConntrackTable.TCP_SYN_SENT, LATER);
        t.setState(first, ConntrackTable.TCP_ESTABLISHED);
        for (int i = 0; i < 20; i++) {
            insert(t, 100 + i, 1, ConntrackTable.TCP_SYN_SENT, LATER);
        }
        assertThat(findForward(t, 1, 1, NOW)).isEqualTo(first);
        assertThat(t.embryonic()).isEqualTo(4);
    }

    @Test
    void rebindMovesTheReplyKey() {
        ConntrackTable t = table(16, 4);
        int slot = insert(t, 1, 1, ConntrackTable.UDP, LATER);
        t.rebind(slot, 0x0A00_0006, 0x02_4200_0000_06L);
        assertThat(findReply(t, 1, 1, NOW)).isEqualTo(ConntrackTable.NONE);
        assertThat(t.find(ConntrackTable.replyA(0x0A00_0006, 1), ConntrackTable.replyB(VNI, 6, 80, 1), NOW)).isEqualTo(slot);
        assertThat(t.backendMac(slot)).isEqualTo(0x02_4200_0000_06L);
    }

    @Test
    void agreesWithAMapUnderRandomInsertsAndRemovals() {
        ConntrackTable t = table(512, 512);
        Map<Long, Integer> model = new HashMap<>();
        Random random = new Random(7);
        for (int op = 0; op < 200_000; op++) {
            int client = random.nextInt(600);
            long key = client;
            int slot = findForward(t, client, 9, NOW);
            Integer expected = model.get(key);
            assertThat(slot).isEqualTo(expected == null ? ConntrackTable.NONE : expected);
            if (slot == ConntrackTable.NONE) {
                int s = insert(t, client, 9, ConntrackTable.UDP, LATER);
                if (model.size() < 512) {
                    assertThat(s).isNotEqualTo(ConntrackTable.NONE);
                    model.put(key, s);
                } else {
                    assertThat(s).isEqualTo(ConntrackTable.NONE);
                }
            } else if (random.nextBoolean()) {
                t.remove(slot);
                model.remove(key);
            }
            assertThat(findReply(t, client, 9, NOW)).isEqualTo(model.getOrDefault(key, ConntrackTable.NONE));
        }
        assertThat(t.size()).isEqualTo(model.size());
    }
}
