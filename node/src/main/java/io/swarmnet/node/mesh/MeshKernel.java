package io.swarmnet.node.mesh;

import java.io.IOException;

/**
 * What {@link RoutingMesh} changes outside the JVM: the ingress endpoint's TAP and the
 * {@link MeshTable}. {@link DefaultMeshKernel} does it for real; tests use a fake.
 */
public interface MeshKernel extends AutoCloseable {

    /** Creates, attaches and configures the ingress TAP. */
    IngressEndpoint openIngress(int vni, int ip, int prefix, int mtu) throws IOException;

    /** Removes the ingress TAP. */
    void closeIngress(IngressEndpoint endpoint) throws IOException;

    /** Replaces {@code table ip swarmnet_ingress} with one holding {@code body}, atomically. */
    void replaceTable(String body) throws IOException;

    /** Deletes the table; deleting an absent table is no error. */
    void deleteTable() throws IOException;

    @Override
    void close() throws IOException;
}
