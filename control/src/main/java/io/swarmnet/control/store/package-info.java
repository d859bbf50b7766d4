/** The revisioned key-value store holding the cluster state, and its etcd implementation. */
package io.swarmnet.control.store;
