package io.swarmnet.benchmarks.micro;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's benchmark threads as Netty event-loop threads ({@link FastThreadLocalThread}), for
 * benchmarks of code that runs on an event loop: Netty 4.2 gives pooled-buffer thread
 * caches and recyclers only to those. Selected in a fork with
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=} this class; JMH calls the
 * {@code (int, String)} constructor.
 */
public final class NettyThreadExecutor extends ThreadPoolExecutor {
    public NettyThreadExecutor(int threads, String prefix) {
        super(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new Factory(prefix));
    }

    private static final class Factory implements java.util.concurrent.ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        Factory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new FastThreadLocalThread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
