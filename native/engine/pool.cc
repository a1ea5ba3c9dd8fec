#include "engine/pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define FO_PAUSE() _mm_pause()
#else
#define FO_PAUSE() std::this_thread::yield()
#endif

namespace fastoptim {
namespace {

// Below this many elements per thread, a thread is not worth waking. Measured with
// bench/engine.ts ("handoff": Adam through opt.step, buffers in cache) on the 2-core AVX-512
// EPYC VM: 1 thread vs 2 at 64K elements 14.8 vs 16.5 us (2 threads lose), at 128K 31.2 vs
// 26.8 us, at 256K 53.5 vs 40.3, at 512K 110 vs 70. The wake-up and the wait cost a few us,
// about the time one core takes for 32K elements, so a thread must get twice that to gain.
constexpr size_t kMinElementsPerThread = 65536;

// How long an idle worker spins (checking for a new job) before it sleeps, and how long the
// caller spins for the workers to finish before it sleeps. A training loop calls step after
// step with a little JS in between; spinning through a short gap saves a futex wake-up, and
// 50 us of spinning is little next to a step large enough to wake the thread. (Longer spins,
// 200-1000 us, were tried: on the shared 2-core VM they only took CPU from other processes.)
constexpr auto kWorkerSpin = std::chrono::microseconds(50);
constexpr auto kCallerSpin = std::chrono::microseconds(50);

using Clock = std::chrono::steady_clock;

// Spins until done() or `budget` has passed; returns done().
template <class Done>
bool spin_until(Done&& done, Clock::duration budget) {
  const auto deadline = Clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      FO_PAUSE();
    }
    if (Clock::now() >= deadline) return done();
  }
}

// f(ctx, chunk): one chunk of a job.
using JobFn = void (*)(const void* ctx, size_t chunk);

// Chunks per job: they must fit the cursor's 16 bits (see Pool::help).
constexpr size_t kMaxChunks = 0xffff;

// The pool hands out a job's chunks one by one: the caller and every woken worker claim the
// next unclaimed chunk (an atomic counter) until none is left, and the caller waits only for
// the chunks that were claimed. A worker that wakes late (another process had its core) finds
// nothing left and goes back to sleep, so it never holds the step up: the caller has done its
// share. Chunks belong to no thread in particular, and kernels give the same bits however
// they fall (see pool.h), so this costs determinism nothing.
class Pool {
 public:
  // Runs fn(ctx, c) for every c in [0, chunks) on up to n threads (the caller among them) and
  // returns true when all are done, or returns false at once when another thread's job holds
  // the pool.
  bool try_run(size_t n, size_t chunks, JobFn fn, const void* ctx) {
    if (chunks > kMaxChunks) return false;
    std::unique_lock<std::mutex> dispatch(dispatch_, std::try_to_lock);
    if (!dispatch.owns_lock()) return false;
    n = std::min(n, start_workers(n - 1) + 1);
    fn_ = fn;
    ctx_ = ctx;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t job = (cursor_.load(std::memory_order_relaxed) >> 32) + 1;
    // The release publishes fn_ and ctx_ with the new job.
    cursor_.store(job << 32 | static_cast<uint64_t>(chunks) << 16, std::memory_order_release);
    for (size_t i = 1; i < n; ++i) {
      Slot& s = *slots_[i - 1];
      {
        std::lock_guard<std::mutex> lock(s.m);
        s.wakeups.store(s.wakeups.load(std::memory_order_relaxed) + 1, std::memory_order_release);
      }
      s.cv.notify_one();
    }
    help();
    auto all_done = [&] { return done_.load(std::memory_order_acquire) == chunks; };
    if (!spin_until(all_done, kCallerSpin)) {
      std::unique_lock<std::mutex> lock(done_m_);
      done_cv_.wait(lock, all_done);
    }
    return true;
  }

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> wakeups{0};  // bumped by the caller for each job this worker is asked to join
    std::mutex m;
    std::condition_variable cv;
  };

  // Claims and runs chunks of the current job until none is left. The cursor is one word,
  // job << 32 | chunks << 16 | next chunk, so a claim (a CAS that moves `next` on) can only
  // succeed on the job it read, while that job still has chunks.
  void help() {
    uint64_t c = cursor_.load(std::memory_order_acquire);
    for (;;) {
      const size_t limit = (c >> 16) & 0xffff, next = c & 0xffff;
      if (next >= limit) return;
      if (!cursor_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      // Claimed: the job cannot finish before this chunk does, so fn_ and ctx_ are its own.
      fn_(ctx_, next);
      if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == limit) {
        std::lock_guard<std::mutex> lock(done_m_);
        done_cv_.notify_one();
      }
      c = cursor_.load(std::memory_order_acquire);
    }
  }

  // Makes sure at least `want` workers exist; returns how many do (fewer if the OS refused).
  size_t start_workers(size_t want) {
    while (slots_.size() < want) {
      slots_.push_back(std::make_unique<Slot>());
      try {
        std::thread(&Pool::work, this, slots_.back().get()).detach();
      } catch (...) {
        slots_.pop_back();
        break;
      }
    }
    return std::min(want, slots_.size());
  }

  // A worker's life: wait to be woken, help with the job, repeat. Workers are never stopped:
  // the pool lives as long as the process (it is never destroyed, so exit never waits on a
  // worker or destroys a mutex one holds).
  void work(Slot* slot) {
    uint64_t seen = 0;
    for (;;) {
      auto woken = [&] { return slot->wakeups.load(std::memory_order_acquire) != seen; };
      if (!spin_until(woken, kWorkerSpin)) {
        std::unique_lock<std::mutex> lock(slot->m);
        slot->cv.wait(lock, woken);
      }
      seen = slot->wakeups.load(std::memory_order_acquire);
      help();
    }
  }

  std::mutex dispatch_;  // one job at a time
  std::vector<std::unique_ptr<Slot>> slots_;
  JobFn fn_ = nullptr;
  const void* ctx_ = nullptr;
  std::atomic<uint64_t> cursor_{0};
  std::atomic<size_t> done_{0};
  std::mutex done_m_;
  std::condition_variable done_cv_;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed, see Pool::work
  return *p;
}

size_t detect_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? n : 1;
}

std::atomic<size_t> g_threads{0};  // 0 until first asked: then available_cores()

// Threads worth using for `elements` elements of work.
size_t threads_for(size_t elements) {
  const size_t useful = elements / kMinElementsPerThread;
  return std::max<size_t>(1, std::min(num_threads(), useful));
}

// Chunks per thread: enough that a thread that starts late leaves only a little for the others
// to wait on, few enough that claiming costs nothing (a claim is one CAS).
constexpr size_t kChunksPerThread = 4;

// No chunk is larger than this (about 0.5 ms of Adam from memory on one core of the EPYC VM),
// and a thread yields its core after a chunk of at least kYieldElements (sched_yield: it goes
// on at once when no other thread waits for the core). On a machine where the kernels use
// every core, a thread woken meanwhile, the event loop's above all (a timer, I/O, a resolved
// stepAsync), then runs within a chunk instead of waiting for the scheduler's slice to end.
// Measured with monitorEventLoopDelay during stepAsync over 64M elements on both cores of the
// 2-core VM (bench/engine.ts, four rounds each): max delay 4.9-6.3 ms and p99 2.4-3.7 ms with
// 8 chunks of 8M elements and no yield; max 2.2-4.8 ms and p99 1.7-2.2 ms with chunks of 1M and
// the yield (the idle loop's own max: 1.2-7.3 ms). Step times did not change beyond the VM's
// noise (Adam at 256K, 4M, 16M, 64M, runs alternated).
constexpr size_t kMaxChunkElements = size_t{1} << 20;
constexpr size_t kYieldElements = size_t{1} << 18;

// After a chunk of `elements` elements: yields the core when the chunk was a large one.
inline void yield_after(size_t elements) {
  if (elements >= kYieldElements) std::this_thread::yield();
}

// Where each tensor of a group starts (its first element, or its first block), made once per
// call by the calling thread into scratch of its own (grown, never freed): a chunk finds its
// first tensor by binary search instead of walking the group from tensor 0, which over
// thousands of small tensors cost each chunk microseconds.
size_t* starts_scratch(size_t n) {
  thread_local std::vector<size_t> scratch;
  if (scratch.size() < n) scratch.resize(n);
  return scratch.data();
}

// The tensor whose range holds position `at`, of the num_tensors starts (non-decreasing): the
// last one that starts at or before it (an empty tensor there is passed over).
inline size_t tensor_at(const size_t* starts, size_t num_tensors, size_t at) {
  return static_cast<size_t>(std::upper_bound(starts, starts + num_tensors, at) - starts) - 1;
}

struct ChunkJob {
  size_t num_tensors;
  const size_t* numel;
  const size_t* starts;  // each tensor's first element in the group's sequence
  size_t total, chunk;   // elements in all, per chunk (a multiple of 16)
  ChunkFn f;
  const void* ctx;
};

// Chunk c covers elements [c * chunk, (c + 1) * chunk) of the group's elements taken in order,
// stepped as (tensor, begin, end) pieces.
void run_chunk(const void* p, size_t c) {
  const ChunkJob& job = *static_cast<const ChunkJob*>(p);
  const size_t lo = c * job.chunk, hi = std::min(job.total, lo + job.chunk);
  const size_t first = tensor_at(job.starts, job.num_tensors, lo);
  size_t base = job.starts[first];
  for (size_t t = first; t < job.num_tensors && base < hi; ++t) {
    const size_t end = base + job.numel[t];
    if (end > lo) {
      const size_t b = std::max(lo, base) - base, e = std::min(hi, end) - base;
      if (b < e) job.f(job.ctx, t, b, e);
    }
    base = end;
  }
  yield_after(hi - lo);
}

struct BlockJob {
  size_t num_tensors;
  const size_t* numel;
  const size_t* starts;             // each tensor's first block, or null: walk from tensor 0
  size_t num_blocks, per_chunk, k;  // blocks in all, per chunk; doubles per block
  BlockFn f;
  const void* ctx;
  double* out;
};

// Chunk c covers blocks [c * per_chunk, (c + 1) * per_chunk) (tensor 0's blocks, then tensor 1's...).
void run_block_chunk(const void* p, size_t c) {
  const BlockJob& job = *static_cast<const BlockJob*>(p);
  const size_t lo = c * job.per_chunk, hi = std::min(job.num_blocks, lo + job.per_chunk);
  const size_t from = job.starts ? tensor_at(job.starts, job.num_tensors, lo) : 0;
  size_t first = job.starts ? job.starts[from] : 0;  // global index of tensor t's first block
  for (size_t t = from; t < job.num_tensors && first < hi; ++t) {
    const size_t nb = blocks_of(job.numel[t]);
    for (size_t j = std::max(lo, first); j < std::min(hi, first + nb); ++j) {
      const size_t begin = (j - first) * kReduceBlock;
      job.f(job.ctx, t, begin, std::min(job.numel[t], begin + kReduceBlock), job.out + j * job.k);
    }
    first += nb;
  }
  yield_after((hi - lo) * kReduceBlock);
}

}  // namespace

size_t available_cores() {
  static const size_t n = detect_cores();
  return n;
}

size_t num_threads() {
  size_t n = g_threads.load(std::memory_order_relaxed);
  if (n == 0) {
    n = std::min(available_cores(), kMaxThreads);
    g_threads.store(n, std::memory_order_relaxed);
  }
  return n;
}

std::string set_num_threads(double n) {
  if (!(n >= 1 && n <= static_cast<double>(kMaxThreads)) || n != static_cast<double>(static_cast<size_t>(n)))
    return "expected an integer from 1 to " + std::to_string(kMaxThreads);
  g_threads.store(static_cast<size_t>(n), std::memory_order_relaxed);
  return "";
}

std::string init_threads() {
  const char* env = std::getenv("FASTOPTIM_NUM_THREADS");
  if (!env || !*env) return "";
  char* end = nullptr;
  const double n = std::strtod(env, &end);
  const std::string err = *end ? "expected an integer from 1 to " + std::to_string(kMaxThreads) : set_num_threads(n);
  return err.empty() ? "" : "FASTOPTIM_NUM_THREADS: " + err + " but received '" + env + "'";
}

void parallel_for_chunks(size_t num_tensors, const size_t* numel, ChunkFn f, const void* ctx) {
  size_t total = 0;
  for (size_t t = 0; t < num_tensors; ++t) total += numel[t];
  const size_t n = threads_for(total);
  if (n > 1) {
    const size_t chunks = n * kChunksPerThread;
    const size_t chunk = std::min(kMaxChunkElements, ((total + chunks - 1) / chunks + 15) & ~size_t{15});
    size_t* starts = starts_scratch(num_tensors);
    for (size_t t = 0, at = 0; t < num_tensors; at += numel[t++]) starts[t] = at;
    const ChunkJob job{num_tensors, numel, starts, total, chunk, f, ctx};
    if (pool().try_run(n, (total + chunk - 1) / chunk, run_chunk, &job)) return;
  }
  for (size_t t = 0; t < num_tensors; ++t) f(ctx, t, 0, numel[t]);
}

void parallel_for_blocks(size_t num_tensors, const size_t* numel, size_t k, BlockFn f, const void* ctx,
                         double* out) {
  size_t total = 0, num_blocks = 0;
  for (size_t t = 0; t < num_tensors; ++t) {
    total += numel[t];
    num_blocks += blocks_of(numel[t]);
  }
  if (num_blocks == 0) return;  // no tensors
  const size_t n = std::min(threads_for(total), num_blocks);
  const size_t chunks = std::min(num_blocks, n * kChunksPerThread);
  const size_t per_chunk = std::min(kMaxChunkElements / kReduceBlock, (num_blocks + chunks - 1) / chunks);
  if (n > 1) {
    size_t* starts = starts_scratch(num_tensors);
    for (size_t t = 0, at = 0; t < num_tensors; at += blocks_of(numel[t++])) starts[t] = at;
    const BlockJob job{num_tensors, numel, starts, num_blocks, per_chunk, k, f, ctx, out};
    if (pool().try_run(n, (num_blocks + per_chunk - 1) / per_chunk, run_block_chunk, &job)) return;
  }
  const BlockJob whole{num_tensors, numel, nullptr, num_blocks, num_blocks, k, f, ctx, out};
  run_block_chunk(&whole, 0);
}

double* reduce_scratch(size_t n) {
  thread_local std::vector<double> scratch;
  if (scratch.size() < n) scratch.resize(n);
  return scratch.data();
}

double* tensor_scratch(size_t n) {
  thread_local std::vector<double> scratch;
  if (scratch.size() < n) scratch.resize(n);
  return scratch.data();
}

}  // namespace fastoptim
