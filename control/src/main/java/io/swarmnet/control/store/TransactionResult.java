package io.swarmnet.control.store;

/**
 * The outcome of a {@link Transaction}.
 *
 * @param succeeded whether every condition held, so every operation was applied
 * @param revision  the store revision after the transaction; when it failed, the
 *                  revision the conditions were checked at
 */
public record TransactionResult(boolean succeeded, long revision) {
}
