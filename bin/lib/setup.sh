# Shared by bin/swarmnet and bin/test: checks the platform, installs what is missing
# (Debian packages, the Maven build) and knows where the artifacts are.
# Sourced, not run.

SWARMNET_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SWARMNET_JAR="$SWARMNET_HOME/dist/target/swarmnet.jar"
BENCH_JAR="$SWARMNET_HOME/benchmarks/target/benchmarks.jar"

# Packages the build, the lab and the tests need, keyed by the command that shows
# each is present. Debian names; iperf3/wrk/haproxy/dig/dnsperf are what lab users, tests and
# benchmarks drive, dnsmasq is the lab's internet resolver; prometheus (promtool), chromium
# and tshark check the metrics, the cluster view and the captures. docker.io is every lab
# host's own dockerd; nginx-light and a static busybox (checked below) make the lab's images.
SWARMNET_PACKAGES=(
  "java:openjdk-17-jdk-headless"
  "javac:openjdk-17-jdk-headless"
  "mvn:maven"
  "ip:iproute2"
  "nft:nftables"
  "etcd:etcd-server"
  "etcdctl:etcd-client"
  "iperf3:iperf3"
  "wrk:wrk"
  "haproxy:haproxy"
  "dig:dnsutils"
  "dnsmasq:dnsmasq-base"
  "dnsperf:dnsperf"
  "ping:iputils-ping"
  "curl:curl"
  "ps:procps"
  "setsid:util-linux"
  "promtool:prometheus"
  "chromium:chromium"
  "tshark:tshark"
  "nginx:nginx-light"
  "dockerd:docker.io"
)

die() { echo "swarmnet: error: $*" >&2; exit 1; }

require_linux_root() {
  [ "$(uname -s)" = Linux ] || die "swarmnet needs Linux (network namespaces, TAP, VXLAN); this is $(uname -s)"
  [ "$(id -u)" = 0 ] || die "this needs root (it creates network namespaces and TAP devices); run it as root or with sudo"
}

missing_packages() {
  local entry cmd pkg out=()
  for entry in "${SWARMNET_PACKAGES[@]}"; do
    cmd=${entry%%:*}; pkg=${entry#*:}
    command -v "$cmd" >/dev/null 2>&1 || out+=("$pkg")
  done
  # libpcap has no command; pcap4j loads the shared library.
  ldconfig -p 2>/dev/null | grep -q 'libpcap\.so' || out+=(libpcap0.8 libpcap-dev)
  # The agent loads libnftables itself (sys Nftables). Debian's nftables package depends
  # on it, but the library is what counts, so check for it by name.
  ldconfig -p 2>/dev/null | grep -q 'libnftables\.so\.1' || out+=(libnftables1)
  # The lab's images have no libc: their busybox must be the static one. ldd fails on a
  # static binary ("not a dynamic executable") and succeeds on Debian's dynamic busybox.
  local busybox
  busybox=$(command -v busybox || true)
  if [ -z "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then out+=(busybox-static); fi
  printf '%s\n' "${out[@]}" | sort -u | grep -v '^$' || true
}

install_packages() {
  local pkgs
  pkgs=$(missing_packages)
  [ -n "$pkgs" ] || return 0
  require_linux_root
  echo "swarmnet: installing missing packages: $(echo $pkgs)" >&2
  command -v apt-get >/dev/null 2>&1 || die "missing $(echo $pkgs) and no apt-get to install them"
  # Debian starts etcd, prometheus, haproxy, nginx and dockerd on install; the lab runs
  # its own inside namespaces, so keep the packages from starting any in the root namespace.
  local rc_created=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && rc_created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >&2 \
    || die "apt-get install $pkgs failed"
  [ -z "$rc_created" ] || rm -f /usr/sbin/policy-rc.d
}

# The jar is stale when any source or pom is newer than it: rebuild so the launcher
# never runs code that no longer matches the checkout.
build_needed() {
  local jar=$1
  [ -f "$jar" ] || return 0
  [ -n "$(find "$SWARMNET_HOME" -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}

build_jars() {
  if build_needed "$SWARMNET_JAR" || build_needed "$BENCH_JAR"; then
    echo "swarmnet: building (mvn package, tests skipped; bin/test runs them)..." >&2
    (cd "$SWARMNET_HOME" && mvn -B -q -Dstyle.color=never -DskipTests package >&2) || die "the build failed; run 'mvn -B package' in $SWARMNET_HOME to see why"
  fi
}

# JDK 24+ warns about sun.misc.Unsafe (Netty) unless told; JDK 17 rejects the flag.
java_opts() {
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${major:-17}" -ge 24 ] 2>/dev/null; then
    echo "--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  fi
}
