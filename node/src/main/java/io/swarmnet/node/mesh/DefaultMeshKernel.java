package io.swarmnet.node.mesh;

import io.swarmnet.sys.Nftables;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;

/**
 * The real {@link MeshKernel}: TAPs on the agent's VTEP and libnftables in the agent's
 * namespace, opened on first use so an agent that publishes nothing needs no nftables.
 */
public final class DefaultMeshKernel implements MeshKernel {
    private static final String TABLE = "table " + MeshTable.FAMILY + " " + MeshTable.NAME;

    private final Vtep vtep;
    private Nftables nft;

    public DefaultMeshKernel(Vtep vtep) {
        this.vtep = vtep;
    }

    @Override
    public IngressEndpoint openIngress(int vni, int ip, int prefix, int mtu) throws IOException {
        return IngressEndpoint.open(vtep, vni, ip, prefix, mtu);
    }

    @Override
    public void closeIngress(IngressEndpoint endpoint) throws IOException {
        endpoint.close(vtep);
    }

    @Override
    public synchronized void replaceTable(String body) throws IOException {
        // One batch: add (a no-op if it exists), delete, add anew; the kernel commits all or none.
        nft().run(TABLE + "\ndelete " + TABLE + "\n" + TABLE + " {\n" + body + "}\n");
    }

    @Override
    public synchronized void deleteTable() throws IOException {
        nft().run(TABLE + "\ndelete " + TABLE + "\n");
    }

    private Nftables nft() throws IOException {
        if (nft == null) {
            nft = Nftables.open();
        }
        return nft;
    }

    @Override
    public synchronized void close() throws IOException {
        if (nft != null) {
            nft.close();
            nft = null;
        }
    }
}
