package io.swarmnet.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerTest {
    @TempDir
    Path tmp;
    Path socket;
    ApiServer server;
    ApiClient client;
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        socket = tmp.resolve("run/api.sock");
        server = ApiServer.bind(socket, Map.of(
                "GET /v1/info", body -> Map.of("node", "n1"),
                "POST /v1/echo", body -> body,
                "POST /v1/refuse", body -> {
                    throw ApiException.conflict("task t1 is attached elsewhere");
                },
                "POST /v1/crash", body -> {
                    throw new IllegalStateException("boom");
                },
                "POST /v1/slow", body -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(100);
                    running.decrementAndGet();
                    return Map.of();
                }));
        client = new ApiClient(socket);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersJsonForARoute() throws IOException {
        assertThat(client.call("GET", "/v1/info", null).path("node").asText()).isEqualTo("n1");
        assertThat(client.call("POST", "/v1/echo", Map.of("netns", "/run/netns/x")).path("netns").asText())
                .isEqualTo("/run/netns/x");
    }

    @Test
    void socketIsRootOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() {
        assertThatThrownBy(() -> client.call("GET", "/v1/nope", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("no such API: /v1/nope");
        assertThatThrownBy(() -> client.call("DELETE", "/v1/info", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(405));
    }

    @Test
    void bodyThatIsNotJsonIs400() {
        assertThatThrownBy(() -> client.call("POST", "/v1/echo", new RawJson("{oops")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageStartingWith("request body is not JSON");
    }

    @Test
    void refusalsKeepTheirStatusAndFailuresAre500WithTheReason() {
        assertThatThrownBy(() -> client.call("POST", "/v1/refuse", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessage("task t1 is attached elsewhere");
        assertThatThrownBy(() -> client.call("POST", "/v1/crash", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessage("IllegalStateException: boom");
    }

    @Test
    void requestsRunOneAtATime() {
        CompletableFuture<?>[] calls = new CompletableFuture<?>[4];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = CompletableFuture.runAsync(() -> {
                try {
                    client.call("POST", "/v1/slow", null);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
        CompletableFuture.allOf(calls).join();
        assertThat(maxRunning.get()).isEqualTo(1);
    }

    @Test
    void aSecondServerOnTheSameSocketIsRefused() {
        assertThatThrownBy(() -> ApiServer.bind(socket, Map.of()))
                .isInstanceOf(IOException.class).hasMessage("another process already serves " + socket);
    }

    @Test
    void aSocketLeftByACrashIsReplacedAndCloseRemovesIt() throws IOException {
        server.close();
        Path stale = tmp.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists();
        server = ApiServer.bind(stale, Map.of("GET /v1/info", body -> Map.of("node", "n2")));
        assertThat(new ApiClient(stale).call("GET", "/v1/info", null).path("node").asText()).isEqualTo("n2");
        server.close();
        assertThat(stale).doesNotExist();
    }

    @Test
    void anAgentThatIsNotRunningIsAClearIoError() {
        assertThatThrownBy(() -> new ApiClient(tmp.resolve("none.sock")).call("GET", "/v1/info", null))
                .isInstanceOf(IOException.class).hasMessageStartingWith("cannot reach the agent API at ");
    }

    /** Bytes sent as they are, to test what the server does with a body that is not JSON. */
    record RawJson(String text) {
        @com.fasterxml.jackson.annotation.JsonValue
        @com.fasterxml.jackson.annotation.JsonRawValue
        public String text() {
            return text;
        }
    }
}
