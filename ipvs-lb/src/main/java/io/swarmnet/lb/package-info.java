/** Service load balancing: service tables, schedulers, connection tracking, NAT and the routing mesh. */
package io.swarmnet.lb;
