/** The cluster model, its stores (etcd, embedded), the watching client, IPAM and per-node desired tables. */
package io.swarmnet.control;
