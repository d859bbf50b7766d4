package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** libnftables on the real kernel, inside a namespace the test makes. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NftablesTest {
    private static final String REPLACE = "table ip t\n"
            + "delete table ip t\n"
            + "table ip t {\n"
            + "  chain post {\n"
            + "    type nat hook postrouting priority srcnat; policy accept;\n"
            + "    ip saddr 172.18.0.0/16 oifname != \"br0\" masquerade\n"
            + "  }\n"
            + "}\n";

    private TestNamespace ns;
    private Nftables nft;

    @BeforeEach
    void create() throws IOException {
        ns = TestNamespace.create("sys");
        nft = Nftables.open(ns.netns());
    }

    @AfterEach
    void remove() throws IOException {
        try {
            nft.close();
        } finally {
            ns.close();
        }
    }

    @Test
    void contextChangesTheNamespaceItWasOpenedInFromAnyThread() throws IOException {
        nft.run("add table ip t");

        assertThat(ns.exec("nft", "list", "tables")).isEqualTo("table ip t\n");
    }

    @Test
    void listingIsReturnedAsText() throws IOException {
        nft.run("add table ip t\nadd chain ip t c");

        assertThat(nft.run("list table ip t")).contains("table ip t {").contains("chain c {");
    }

    @Test
    void deleteAndAddInOneBufferReplacesATableWithoutDuplicates() throws IOException {
        nft.run(REPLACE);
        nft.run(REPLACE);

        String ruleset = ns.exec("nft", "list", "ruleset");
        assertThat(ruleset.split("masquerade", -1)).hasSize(2);
        assertThat(ruleset.split("table ip t", -1)).hasSize(2);
    }

    @Test
    void refusedBatchIsExplainedAndChangesNothing() throws IOException {
        assertThatThrownBy(() -> nft.run("add table ip a\nadd chain ip nosuchtable c"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("nft 'add table ip a ...': Error: No such file or directory");

        assertThat(ns.exec("nft", "list", "ruleset")).isEmpty();
    }

    @Test
    void syntaxErrorIsExplained() {
        assertThatThrownBy(() -> nft.run("add tabel ip t"))
                .isInstanceOf(IOException.class).hasMessageContaining("syntax error");
    }

    @Test
    void closedContextRefusesAndNulIsRefused() throws IOException {
        assertThatThrownBy(() -> nft.run("list tables\0")).isInstanceOf(IllegalArgumentException.class);
        nft.close();
        nft.close();

        assertThatThrownBy(() -> nft.run("list tables")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
