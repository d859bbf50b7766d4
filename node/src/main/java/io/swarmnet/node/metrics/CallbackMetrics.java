package io.swarmnet.node.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * Unlabelled metrics read at scrape time from counters their owning thread writes (the
 * data path's, the resolver's, the watcher's), so nothing on those threads touches the
 * Prometheus client.
 */
public final class CallbackMetrics {
    private CallbackMetrics() {
    }

    /** A counter named {@code name} plus {@code _total} in the exposition. */
    public static void counter(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    public static void gauge(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }
}
