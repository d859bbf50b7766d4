/** The only native code of swarmnet (JNR-FFI): TAP, netns, rtnetlink, sysctl, nftables; pcap capture. */
package io.swarmnet.sys;
