/** Schedulers: how a service's new flow picks its backend (round-robin, weighted round-robin, Maglev). */
package io.swarmnet.lb.scheduler;
