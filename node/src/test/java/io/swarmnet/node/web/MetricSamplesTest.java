package io.swarmnet.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricSamplesTest {
    private static final Map<String, String> GROUPS = Map.of("swarmnet_overlay_tx_bytes_total", "network");

    @Test
    void sumsAMetricByItsGroupingLabelAndInTotal() {
        MetricSamples s = MetricSamples.parse("""
                # HELP swarmnet_overlay_tx_bytes_total Bytes
                # TYPE swarmnet_overlay_tx_bytes_total counter
                swarmnet_overlay_tx_bytes_total{network="web",vni="4097"} 100.0
                swarmnet_overlay_tx_bytes_total{vni="4098",network="db"} 50.0
                swarmnet_overlay_tx_bytes_total{network="web",vni="4099"} 1.5
                """, GROUPS);

        assertThat(s.sum("swarmnet_overlay_tx_bytes_total", "web")).isEqualTo(101.5);
        assertThat(s.sum("swarmnet_overlay_tx_bytes_total", "db")).isEqualTo(50.0);
        assertThat(s.sum("swarmnet_overlay_tx_bytes_total", MetricSamples.TOTAL)).isEqualTo(151.5);
        assertThat(s.groups("swarmnet_overlay_tx_bytes_total")).containsExactlyInAnyOrder("web", "db", MetricSamples.TOTAL);
    }

    @Test
    void aMetricWithoutLabelsCountsInTotalOnly() {
        MetricSamples s = MetricSamples.parse("swarmnet_overlay_tx_bytes_total 7\n", GROUPS);

        assertThat(s.sum("swarmnet_overlay_tx_bytes_total", MetricSamples.TOTAL)).isEqualTo(7.0);
        assertThat(s.groups("swarmnet_overlay_tx_bytes_total")).containsExactly(MetricSamples.TOTAL);
    }

    @Test
    void otherMetricsAndPrefixesOfTheNameAreIgnored() {
        MetricSamples s = MetricSamples.parse("""
                swarmnet_overlay_tx_bytes 9
                swarmnet_overlay_tx_bytes_total_extra{network="web"} 9
                jvm_threads_current 30
                """, GROUPS);

        assertThat(s.sum("swarmnet_overlay_tx_bytes_total", MetricSamples.TOTAL)).isZero();
    }

    @Test
    void garbageTruncatedAndNaNLinesAreSkippedNotFatal() {
        MetricSamples s = MetricSamples.parse("""
                swarmnet_overlay_tx_bytes_total{network="web" 5
                swarmnet_overlay_tx_bytes_total{network="web"} not-a-number
                swarmnet_overlay_tx_bytes_total{network="web"} NaN
                swarmnet_overlay_tx_bytes_total{network="web"}
                \u0000\u0001 binary
                swarmnet_overlay_tx_bytes_total{network="web"} 3 1700000000000
                swarmnet_overlay_tx_bytes_total{network="we""", GROUPS);

        assertThat(s.sum("swarmnet_overlay_tx_bytes_total", "web")).isEqualTo(3.0);
    }

    @Test
    void anEmptyExpositionHasNoFigures() {
        assertThat(MetricSamples.parse("", GROUPS).sum("swarmnet_overlay_tx_bytes_total", "web")).isZero();
        assertThat(MetricSamples.empty().groups("swarmnet_overlay_tx_bytes_total")).isEmpty();
    }
}
