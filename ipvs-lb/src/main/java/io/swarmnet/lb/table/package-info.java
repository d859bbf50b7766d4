/** The service table: VIPs per network and their backends, an immutable snapshot per publish. */
package io.swarmnet.lb.table;
