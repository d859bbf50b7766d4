package io.swarmnet.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.swarmnet.control.testing.EtcdFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("privileged")
@Timeout(60)
class EtcdStoreTest extends StoreContract {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();

    private static EtcdStore store;

    @BeforeAll
    static void connect() {
        store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), Duration.ofSeconds(5));
    }

    @AfterAll
    static void disconnect() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected void compact(long revision) throws Exception {
        try (Client other = Client.builder().endpoints(URI.create(ETCD.clientUrl())).build()) {
            other.getKVClient().compact(revision).get(5, TimeUnit.SECONDS);
        }
    }

    @Override
    protected void revokeBehindItsBack(long leaseId) throws Exception {
        try (Client other = Client.builder().endpoints(URI.create(ETCD.clientUrl())).build()) {
            other.getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void memberClientUrlsNameTheMember() {
        assertThat(store.memberClientUrls()).containsExactly(URI.create(ETCD.clientUrl()));
    }

    @Test
    void theOnlyMemberIsTheLeader() {
        assertThat(store.members()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(Member.Status.LEADER);
            assertThat(m.clientUrls()).containsExactly(URI.create(ETCD.clientUrl()));
        });
    }

    @Test
    void connectsThroughTheFirstEndpointThatAnswers(TestInfo info) throws IOException {
        String address = "etcd://127.0.0.1:" + EtcdFixture.freePort() + "," + ETCD.endpoint();
        try (EtcdStore second = EtcdStore.connect(StoreAddress.parse(address), Duration.ofSeconds(5))) {
            second.put(prefix(info) + "k", utf8("v"));

            assertThat(store.get(prefix(info) + "k")).isPresent();
            assertThat(second.address()).isEqualTo(address);
        }
    }

    @Test
    void refusedEndpointFailsFastNamingTheEndpoint() throws IOException {
        int port = EtcdFixture.freePort();
        long start = System.nanoTime();

        assertThatThrownBy(() -> EtcdStore.connect(StoreAddress.parse("etcd://127.0.0.1:" + port), Duration.ofSeconds(3)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot reach etcd at 127.0.0.1:" + port);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void silentEndpointFailsWithinTheTimeoutNamingEveryEndpoint() throws IOException {
        int refused = EtcdFixture.freePort();
        // Accepts TCP connections (the kernel does) but never speaks: a hung manager.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String address = "etcd://127.0.0.1:" + silent.getLocalPort() + ",127.0.0.1:" + refused;
            long start = System.nanoTime();

            assertThatThrownBy(() -> EtcdStore.connect(StoreAddress.parse(address), Duration.ofSeconds(2)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort() + ", 127.0.0.1:" + refused)
                    .hasMessageContaining("no answer within 2s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }
}
