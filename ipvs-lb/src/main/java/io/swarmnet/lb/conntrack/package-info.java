/** Connection tracking for the load balancer: flows by 5-tuple and VNI, bounded, expiring on time. */
package io.swarmnet.lb.conntrack;
