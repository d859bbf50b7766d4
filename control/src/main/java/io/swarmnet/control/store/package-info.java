/** The revisioned key-value store holding the cluster state: over etcd, or embedded in a directory on a single host. */
package io.swarmnet.control.store;
