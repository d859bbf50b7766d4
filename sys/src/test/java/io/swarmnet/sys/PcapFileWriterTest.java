package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesAPcapThatHoldsEveryFrameWithItsTime() throws IOException {
        Path file = dir.resolve("x.pcap");
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        try (PcapFileWriter w = PcapFileWriter.create(file)) {
            w.write(frame, 1_700_000_000_123_456_789L);
            w.write(new byte[] {1, 2, 3}, 1_700_000_001_000_000_000L);
        }

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).as("microsecond pcap magic").isEqualTo(0xa1b2c3d4);
        assertThat(b.getInt(20)).as("link type Ethernet").isEqualTo(1);
        assertThat(b.getInt(24)).isEqualTo(1_700_000_000);
        assertThat(b.getInt(28)).isEqualTo(123_456);
        assertThat(b.getInt(32)).as("captured length").isEqualTo(60);
        assertThat(b.getInt(36)).as("original length").isEqualTo(60);
        assertThat(b.get(40 + 12)).isEqualTo((byte) 0x08);
        int second = 40 + 60;
        assertThat(b.getInt(second)).isEqualTo(1_700_000_001);
        assertThat(b.getInt(second + 8)).isEqualTo(3);
        assertThat(b.capacity()).isEqualTo(second + 16 + 3);
    }

    @Test
    void aFileThatCannotBeCreatedIsAClearError() {
        assertThatThrownBy(() -> PcapFileWriter.create(dir.resolve("no/such/dir/x.pcap")))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot create");
    }
}
