// The thread engine: one process-wide pool of persistent worker threads, sized to the available
// cores, and the two ways every kernel uses it (engine/parallel.h wraps them for the kernels):
//
// - parallel_for_chunks: elementwise work. The elements of all tensors of a group, taken as one
//   sequence, are split into one contiguous range per worker; each worker steps its range as
//   (tensor, begin, end) chunks. Elementwise kernels give the same bits however they are split.
// - parallel_for_blocks: reductions. Every tensor is cut into fixed blocks of kReduceBlock
//   elements, independent of the thread count; each block's partial result is written to its
//   own slot, and the caller combines the partials of a tensor in block order. So a reduction
//   gives the same bits on any number of threads.
//
// Compiled once, for baseline x86-64 (engine/pool.cc): the per-ISA kernels reach it through
// plain function pointers, so no instruction-set-specific code can leak into it.
#pragma once

#include <cstddef>
#include <string>

namespace fastoptim {

// Elements per reduction block: 16K floats (64 KiB, a quarter of a typical L2). Large enough
// that a block's partial sum costs nothing next to its loads, small enough that a group of
// a few million elements has hundreds of blocks to share among the threads.
constexpr size_t kReduceBlock = 16384;

// The most threads setNumThreads accepts.
constexpr size_t kMaxThreads = 256;

// Cores this process may run on (sched_getaffinity on Linux, else hardware_concurrency).
size_t available_cores();

// The number of threads the kernels use (>= 1; the calling thread counts as one).
size_t num_threads();

// Sets it; returns an error message (empty on success). Worker threads are started lazily, at
// the first call large enough to use them.
std::string set_num_threads(double n);

// Reads FASTOPTIM_NUM_THREADS (a positive integer) if set. Returns an error message.
std::string init_threads();

// f(ctx, t, begin, end): elements [begin, end) of tensor t.
using ChunkFn = void (*)(const void* ctx, size_t t, size_t begin, size_t end);
// f(ctx, t, begin, end, out): the partial result of one block, written to out[0..k).
using BlockFn = void (*)(const void* ctx, size_t t, size_t begin, size_t end, double* out);

// Runs f over every element of every tensor. Small work (see kMinElementsPerThread in
// pool.cc) stays on the calling thread, as does any call made while the pool is busy with a
// call from another thread (an async step): results are the same either way.
void parallel_for_chunks(size_t num_tensors, const size_t* numel, ChunkFn f, const void* ctx);

// Blocks of tensor t: ceil(numel[t] / kReduceBlock), and one (empty) block for an empty tensor.
inline size_t blocks_of(size_t n) { return n == 0 ? 1 : (n + kReduceBlock - 1) / kReduceBlock; }

// Runs f once per block of every tensor, in parallel; block j (counting tensor 0's blocks,
// then tensor 1's, ...) writes out + j * k.
void parallel_for_blocks(size_t num_tensors, const size_t* numel, size_t k, BlockFn f, const void* ctx,
                         double* out);

// Scratch doubles for block partials, owned by the calling thread and reused from call to call
// (it grows to the largest request and is never freed), so a reduction allocates nothing once warm.
double* reduce_scratch(size_t n);
// The same, a second buffer: one value per tensor carried from a reduction to an update phase.
double* tensor_scratch(size_t n);

}  // namespace fastoptim
