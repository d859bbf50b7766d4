package io.swarmnet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.node.web.WebView;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HttpMetricsHandlerTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicBoolean healthy = new AtomicBoolean(true);

    private record Answer(int status, String contentType, String contentLength, String body, boolean open) {
    }

    private Answer exchange(FullHttpRequest request) {
        return exchange(request, null);
    }

    private Answer exchange(FullHttpRequest request, WebView web) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpMetricsHandler(registry, healthy::get, web));
        ch.writeInbound(request);
        FullHttpResponse response = ch.readOutbound();
        try {
            return new Answer(response.status().code(),
                    response.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    response.headers().get(HttpHeaderNames.CONTENT_LENGTH),
                    response.content().toString(StandardCharsets.UTF_8),
                    ch.isOpen());
        } finally {
            response.release();
            assertFalse(ch.finish());
        }
    }

    private static FullHttpRequest request(HttpMethod method, String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    }

    @Test
    void theClusterViewIsNotFoundUnlessEnabled() {
        assertThat(exchange(request(HttpMethod.GET, "/ui/")).status()).isEqualTo(404);
        assertThat(exchange(request(HttpMethod.GET, "/ui/state")).status()).isEqualTo(404);
    }

    @Test
    void theClusterViewServesItsPageAndStateWhenEnabled() {
        try (WebView web = new WebView(() -> ClusterView.EMPTY, "self", () -> "", 0)) {
            Answer page = exchange(request(HttpMethod.GET, "/ui/"), web);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
            assertThat(page.body()).contains("<title>swarmnet cluster</title>").contains("fetch(\"state\"");

            Answer state = exchange(request(HttpMethod.GET, "/ui/state"), web);
            assertThat(state.status()).isEqualTo(200);
            assertThat(state.contentType()).isEqualTo("application/json");
            assertThat(state.body()).isEqualTo("{\"revision\":0,\"self\":\"self\",\"nodes\":[],\"services\":[],\"networks\":[]}");

            assertThat(exchange(request(HttpMethod.GET, "/ui"), web).status()).isEqualTo(301);
        }
    }

    @Test
    void healthzIsOkWhileTheStoreSessionLives() {
        assertThat(exchange(request(HttpMethod.GET, "/healthz")))
                .isEqualTo(new Answer(200, "text/plain; charset=utf-8", "3", "ok\n", true));
    }

    @Test
    void healthzIsUnavailableWhenTheStoreSessionIsDown() {
        healthy.set(false);

        Answer answer = exchange(request(HttpMethod.GET, "/healthz?verbose=1"));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("store session down\n");
    }

    @Test
    void metricsAreThePrometheusTextFormatOfTheRegistry() {
        Counter.builder().name("test_events_total").help("events").register(registry).inc(3);

        Answer answer = exchange(request(HttpMethod.GET, "/metrics"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(answer.body()).contains("# TYPE test_events_total counter\ntest_events_total 3.0\n");
        assertThat(answer.contentLength()).isEqualTo(String.valueOf(answer.body().getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void headAnswersTheLengthWithoutTheBody() {
        Answer answer = exchange(request(HttpMethod.HEAD, "/healthz"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentLength()).isEqualTo("3");
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void unknownPathIsNotFound() {
        assertThat(exchange(request(HttpMethod.GET, "/")).status()).isEqualTo(404);
        assertThat(exchange(request(HttpMethod.GET, "/metrics/extra")).status()).isEqualTo(404);
    }

    @Test
    void otherMethodsAreNotAllowed() {
        assertThat(exchange(request(HttpMethod.POST, "/metrics")).status()).isEqualTo(405);
    }

    @Test
    void connectionCloseIsHonoured() {
        FullHttpRequest request = request(HttpMethod.GET, "/healthz");
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);

        assertThat(exchange(request).open()).isFalse();
    }

    @Test
    void undecodableRequestIsABadRequestAndClosesTheConnection() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz", Unpooled.buffer(0));
        request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("garbled")));

        Answer answer = exchange(request);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.open()).isFalse();
    }
}
