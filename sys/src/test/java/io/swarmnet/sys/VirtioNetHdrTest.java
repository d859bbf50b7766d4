package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The virtio_net_hdr view, byte for byte. */
class VirtioNetHdrTest {
    private final ByteBuf buf = Unpooled.buffer(64);
    private final VirtioNetHdr hdr = new VirtioNetHdr();

    @AfterEach
    void release() {
        buf.release();
    }

    @Test
    void readsATcpV4SuperFrameHeader() {
        // NEEDS_CSUM, TCPV4, hdr_len 66, gso_size 1448, csum_start 34, csum_offset 16
        buf.writeBytes(new byte[] {0x01, 0x01, 0x42, 0x00, (byte) 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00});

        assertThat(hdr.wrap(buf, 0)).isTrue();
        assertThat(hdr.needsChecksum()).isTrue();
        assertThat(hdr.isGso()).isTrue();
        assertThat(hdr.gsoType()).isEqualTo(VirtioNetHdr.GSO_TCPV4);
        assertThat(hdr.hdrLen()).isEqualTo(66);
        assertThat(hdr.gsoSize()).isEqualTo(1448);
        assertThat(hdr.csumStart()).isEqualTo(34);
        assertThat(hdr.csumOffset()).isEqualTo(16);
    }

    @Test
    void writesFieldsLittleEndianAtTheWrappedOffset() {
        buf.writeZero(14);
        hdr.wrap(buf, 2);
        hdr.clear().flags(VirtioNetHdr.F_NEEDS_CSUM).gsoType(VirtioNetHdr.GSO_TCPV6 | VirtioNetHdr.GSO_ECN)
                .hdrLen(0x0102).gsoSize(0x0304).csumStart(0x0506).csumOffset(0x0708);

        assertEquals(0, buf.getByte(1));
        assertEquals(0x01, buf.getByte(2));
        assertEquals((byte) 0x84, buf.getByte(3));
        assertEquals(0x02, buf.getByte(4));
        assertEquals(0x01, buf.getByte(5));
        assertEquals(0x04, buf.getByte(6));
        assertEquals(0x06, buf.getByte(8));
        assertEquals(0x08, buf.getByte(10));
        assertEquals(0x07, buf.getByte(11));
        assertEquals(0, buf.getByte(12));
        assertThat(hdr.isGso()).isTrue();
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.writerIndex()).isEqualTo(14);
    }

    @Test
    void ecnBitAloneIsNoSuperFrame() {
        buf.writeZero(10);
        hdr.wrap(buf, 0);
        hdr.gsoType(VirtioNetHdr.GSO_ECN);
        assertThat(hdr.isGso()).isFalse();
    }

    @Test
    void refusesToWrapFewerThanTenBytes() {
        buf.writeZero(9);
        assertThat(hdr.wrap(buf, 0)).isFalse();
        buf.writeZero(1);
        assertThat(hdr.wrap(buf, 1)).isFalse();
        assertThat(hdr.wrap(buf, -1)).isFalse();
        assertThat(hdr.wrap(buf, 0)).isTrue();
    }
}
