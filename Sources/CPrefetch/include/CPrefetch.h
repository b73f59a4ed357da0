#ifndef PUSHCAST_CPREFETCH_H
#define PUSHCAST_CPREFETCH_H

/* Asks the CPU to bring the cache line holding `address` in, for writing, without waiting
 * for it (Swift has no prefetch of its own). The fan-out walks thousands of streams whose
 * objects are no longer in the cache when an item comes: fetching the next streams' lines
 * while the current one's write(2) runs hides the misses. A prefetch never faults, so an
 * address that is stale by then costs nothing but the fetch. */
static inline void pushcast_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
