package io.swarmnet.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {

    @Test
    void readsUpToThreeLiteralNameserversAndSkipsTheEmbeddedResolverItself() {
        List<String> lines = List.of("# comment", "search example", "nameserver 127.0.0.11", "nameserver 198.51.100.1",
                "nameserver dns.example", "nameserver abcd", "nameserver fe80::1%eth0", "nameserver 2001:db8::53",
                "nameserver 192.0.2.53", "nameserver 192.0.2.54", "options ndots:0");

        assertThat(ResolvConf.parse(lines)).extracting(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .containsExactly("198.51.100.1:53", "2001:db8:0:0:0:0:0:53:53", "192.0.2.53:53");
    }

    @Test
    void aMissingFileHasNoNameservers(@TempDir Path tmp) throws IOException {
        assertThat(ResolvConf.nameservers(tmp.resolve("resolv.conf"))).isEmpty();
    }
}
