// The N-API side of one kernel call: converts the JS argument object (a whole parameter group)
// into plain pointers and lengths, and checks memory safety on every call.
//
// Thin by design (better-sqlite3, sharp): hyperparameters are validated in TypeScript; here we
// check only what could corrupt memory or crash the process: argument types, buffer lengths,
// overlapping buffers that the kernel writes, detached ArrayBuffers. Every check runs before the
// kernel touches anything, so a call that throws changes nothing.
//
// Each kernel is exported twice from one bind_<name> function: `binding.<name>(args)` runs the
// kernel now, `binding.async.<name>(args)` reads and checks the arguments the same way on the
// main thread, then runs the kernel on a libuv worker thread and returns a Promise (run()).
#pragma once

#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace fastoptim {

enum class Access { Read, Write };

inline const float* const* const_ptrs(const std::vector<float*>& v) {
  return const_cast<const float* const*>(v.data());
}
inline float* const* nullable(const std::vector<float*>& v) { return v.empty() ? nullptr : v.data(); }

// What one call read: every pointer and length the kernel's Args point into, and (async calls)
// a reference to each distinct ArrayBuffer behind them. Owned by the reader, then by the async
// work, so the Args stay valid until the kernel has run.
struct CallStorage {
  struct List {
    std::string name;
    bool written = false;
    std::vector<float*> ptrs;
    std::vector<size_t> lengths;  // elements of each tensor
    // A call given as runs (see GroupReader): the views as given, one per run, which the
    // overlap check compares (ptrs and lengths above are the tensors inside them).
    std::vector<float*> run_ptrs;
    std::vector<size_t> run_lengths;
  };
  std::deque<List> lists;  // a deque: references returned by tensors() stay valid
  std::vector<size_t> numel;
  // Arrays the binding computes for the kernel itself (sizes, working memory).
  std::deque<std::vector<size_t>> owned_sizes;
  std::deque<std::vector<double>> owned_doubles;
  // Async calls: the ArrayBuffers the kernel reads or writes (one reference per buffer however
  // many views of it the call has), held until it is done, so none can be collected meanwhile.
  std::vector<Napi::Reference<Napi::Value>> buffers;
  std::unordered_set<const void*> buffer_bases;
  const void* last_base = nullptr;
};

// Reads one kernel call's argument object: `{ params: Float32Array[], grads: ..., <state>: ...,
// <per-tensor scalars>: Float64Array | Uint8Array, <group scalars>: number | boolean }`.
// The first list read (params) fixes the tensor count and every tensor's length.
//
// Or, with `run_tensors` and `tensor_numel` (both Float64Array of integers), as runs: each list
// holds one view per run of consecutive tensors that are contiguous in memory, run r holding
// run_tensors[r] >= 1 tensors, tensor t tensor_numel[t] elements (or its sized length), so a
// view's length must be the sum over its run. The reader cuts the views into the tensors the
// kernel gets, without an N-API call per tensor: what a step over thousands of small tensors in
// one ParameterArena costs in the binding is then a few views per list, also for the kernels that
// reduce over each tensor (LAMB, LARS, Adafactor). Per-tensor arrays keep one entry per tensor.
class GroupReader {
 public:
  GroupReader(const Napi::CallbackInfo& info, const char* kernel)
      : env_(info.Env()),
        kernel_(kernel),
        async_(info.Data() != nullptr),
        st_(std::make_unique<CallStorage>()),
        lists_(st_->lists),
        numel_(st_->numel) {
    if (info.Length() != 1 || !info[0].IsObject() || info[0].IsArray())
      throw type_error("expected one argument object");
    obj_ = info[0].As<Napi::Object>();
    Napi::Value runs = obj_.Get("run_tensors");
    if (!runs.IsUndefined() && !runs.IsNull()) read_runs(runs);
  }

  // Runs the kernel on the arguments read: checks that no written buffer overlaps another
  // (check_no_overlap), fills in the group's shape (num_tensors, numel), then runs it now
  // (returns undefined), or for an async call on a worker thread (returns a Promise that
  // resolves when it is done). Call last, after every read: nothing may throw once the kernel
  // is queued.
  template <class Args>
  Napi::Value run(void (*kernel)(const Args&), Args& args);

  // A list of Float32Arrays, one per tensor. Optional lists may be null or undefined (then the
  // result is empty and the kernel gets a null pointer).
  std::vector<float*>& tensors(const char* key, Access access, bool optional = false) {
    return read_list(key, access, optional, nullptr);
  }

  // The same as pointers an Args field takes directly: a list the kernel writes (null for an
  // absent optional list) or one it only reads. The pointers live as long as the call.
  float* const* written(const char* key, bool optional = false) {
    return nullable(tensors(key, Access::Write, optional));
  }
  const float* const* read(const char* key) { return const_ptrs(tensors(key, Access::Read)); }

  // A list of Float32Arrays whose tensor t has lengths[t] elements rather than the first
  // list's (per-row or per-column state, or an empty buffer for state a tensor does not have).
  std::vector<float*>& tensors_sized(const char* key, Access access, const std::vector<double>& lengths) {
    return read_list(key, access, false, &lengths);
  }

  // One double per tensor (a Float64Array of length num_tensors).
  const double* per_tensor(const char* key) {
    return per_tensor_array<double>(key, napi_float64_array, "Float64Array");
  }
  // One double per tensor that the kernel writes (a Float64Array of length num_tensors, not
  // shared with any other per-tensor array of the call).
  double* per_tensor_out(const char* key) {
    return const_cast<double*>(per_tensor_array<double>(key, napi_float64_array, "Float64Array"));
  }
  // One flag per tensor (a Uint8Array of length num_tensors).
  const uint8_t* per_tensor_flags(const char* key) {
    return per_tensor_array<uint8_t>(key, napi_uint8_array, "Uint8Array");
  }
  // One size per tensor: a Float64Array of length num_tensors holding integers in [0, 2^53).
  const double* per_tensor_sizes(const char* key) {
    const double* sizes = per_tensor(key);
    check_integers(sizes, numel_.size(), key);
    return sizes;
  }

  double number(const char* key) {
    Napi::Value v = obj_.Get(key);
    if (!v.IsNumber()) throw type_error(std::string(key) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
  }

  bool flag(const char* key) {
    Napi::Value v = obj_.Get(key);
    if (!v.IsBoolean()) throw type_error(std::string(key) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
  }

  // n sizes, or n doubles of working memory (zeroed), that the Args may point into: owned by
  // the call, so they live as long as its kernel runs, async or not.
  size_t* owned_sizes(size_t n) { return st_->owned_sizes.emplace_back(n).data(); }
  double* owned_doubles(size_t n) { return st_->owned_doubles.emplace_back(n).data(); }

  size_t num_tensors() const { return numel_.size(); }
  const size_t* numel() const { return numel_.data(); }

  // No buffer that the kernel writes may share a byte with any other buffer of the call
  // (read-only buffers may share with each other). Sort by start address and sweep. (For a
  // call given as runs, the views as given: the tensors cut from one view are disjoint.)
  void check_no_overlap() const {
    struct Span {
      uintptr_t begin, end;
      size_t list, tensor;
      bool written;
    };
    std::vector<Span> spans;
    for (size_t l = 0; l < lists_.size(); ++l) {
      const List& list = lists_[l];
      const auto& ptrs = runs_ ? list.run_ptrs : list.ptrs;
      const auto& lengths = runs_ ? list.run_lengths : list.lengths;
      for (size_t t = 0; t < ptrs.size(); ++t)
        if (lengths[t] > 0) {
          auto begin = reinterpret_cast<uintptr_t>(ptrs[t]);
          spans.push_back({begin, begin + lengths[t] * sizeof(float), l, t, list.written});
        }
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    const Span* reach_any = nullptr;      // the span reaching furthest so far
    const Span* reach_written = nullptr;  // the written span reaching furthest so far
    for (const Span& s : spans) {
      const Span* other = nullptr;
      if (s.written && reach_any && s.begin < reach_any->end) other = reach_any;
      if (!other && reach_written && s.begin < reach_written->end) other = reach_written;
      if (other)
        throw range_error(item(lists_[s.list].name, s.tensor) + " and " +
                          item(lists_[other->list].name, other->tensor) +
                          " overlap in memory; every buffer the kernel writes must be distinct");
      if (!reach_any || s.end > reach_any->end) reach_any = &s;
      if (s.written && (!reach_written || s.end > reach_written->end)) reach_written = &s;
    }
  }

  Napi::Error type_error(const std::string& msg) const {
    return Napi::TypeError::New(env_, std::string(kernel_) + ": " + msg);
  }
  Napi::Error range_error(const std::string& msg) const {
    return Napi::RangeError::New(env_, std::string(kernel_) + ": " + msg);
  }

 private:
  using List = CallStorage::List;

  // expected: the required length of each tensor, or null for the first list's lengths.
  std::vector<float*>& read_list(const char* key, Access access, bool optional,
                                 const std::vector<double>* expected) {
    lists_.emplace_back();
    List& list = lists_.back();
    list.name = key;
    list.written = access == Access::Write;
    Napi::Value value = obj_.Get(key);
    if (optional && (value.IsNull() || value.IsUndefined())) return list.ptrs;
    if (!value.IsArray()) throw type_error(std::string(key) + " must be an array of Float32Array");
    Napi::Array array = value.As<Napi::Array>();
    const size_t count = array.Length();
    const bool first = lists_.size() == 1;
    if (runs_) {
      if (count != run_tensors_.size())
        throw range_error(std::string(key) + " has " + std::to_string(count) + " views but run_tensors has " +
                          std::to_string(run_tensors_.size()) + " runs");
      return read_runs_list(list, array, key, expected);
    }
    if (first) {
      numel_.resize(count);
    } else if (count != numel_.size()) {
      throw range_error(std::string(key) + " has " + std::to_string(count) + " tensors but " +
                        lists_.front().name + " has " + std::to_string(numel_.size()));
    }
    list.ptrs.resize(count);
    list.lengths.resize(count);
    for (size_t t = 0; t < count; ++t) {
      size_t length = 0;
      list.ptrs[t] = float_array(array.Get(static_cast<uint32_t>(t)), key, t, &length);
      list.lengths[t] = length;
      if (first) {
        numel_[t] = length;
      } else if (expected) {
        // Compared in double: a size product too large for any buffer never matches.
        if (static_cast<double>(length) != (*expected)[t])
          throw range_error(item(key, t) + " has " + std::to_string(length) +
                            " elements but should have " + number_text((*expected)[t]));
      } else if (length != numel_[t]) {
        throw range_error(item(key, t) + " has " + std::to_string(length) + " elements but " +
                          item(lists_.front().name, t) + " has " + std::to_string(numel_[t]));
      }
    }
    return list.ptrs;
  }

  // A list given as runs: each view is cut into its run's tensors, whose lengths (tensor_numel,
  // or `expected` for a sized list) must add up to the view's.
  std::vector<float*>& read_runs_list(List& list, const Napi::Array& array, const char* key,
                                      const std::vector<double>* expected) {
    const size_t runs = run_tensors_.size();
    list.run_ptrs.resize(runs);
    list.run_lengths.resize(runs);
    list.ptrs.resize(numel_.size());
    list.lengths.resize(numel_.size());
    size_t t = 0;
    for (size_t r = 0; r < runs; ++r) {
      size_t length = 0;
      float* view = float_array(array.Get(static_cast<uint32_t>(r)), key, r, &length);
      list.run_ptrs[r] = view;
      list.run_lengths[r] = length;
      const size_t end = t + run_tensors_[r];
      // In double, as the sized lengths are: a sum too large for any buffer never matches.
      double total = 0;
      for (size_t u = t; u < end; ++u) total += expected ? (*expected)[u] : static_cast<double>(numel_[u]);
      if (total != static_cast<double>(length))
        throw range_error(item(key, r) + " has " + std::to_string(length) + " elements but the " +
                          std::to_string(run_tensors_[r]) + " tensors of its run have " + number_text(total));
      size_t at = 0;
      for (; t < end; ++t) {
        const size_t n = expected ? static_cast<size_t>((*expected)[t]) : numel_[t];
        list.ptrs[t] = view + at;
        list.lengths[t] = n;
        at += n;
      }
    }
    return list.ptrs;
  }

  // run_tensors and tensor_numel (see the class comment): the runs, and the tensor count and
  // lengths they fix, so the first list's views are checked against them.
  void read_runs(const Napi::Value& runs_value) {
    const std::vector<double> runs = integers(runs_value, "run_tensors");
    const std::vector<double> numel = integers(obj_.Get("tensor_numel"), "tensor_numel");
    size_t tensors = 0;
    run_tensors_.resize(runs.size());
    for (size_t r = 0; r < runs.size(); ++r) {
      if (runs[r] < 1 || runs[r] > static_cast<double>(numel.size() - tensors))
        throw range_error(item("run_tensors", r) + " must be at least 1, and the runs' tensors at most the " +
                          std::to_string(numel.size()) + " entries of tensor_numel");
      run_tensors_[r] = static_cast<size_t>(runs[r]);
      tensors += run_tensors_[r];
    }
    if (tensors != numel.size())
      throw range_error("run_tensors holds " + std::to_string(tensors) + " tensors but tensor_numel has " +
                        std::to_string(numel.size()));
    numel_.resize(numel.size());
    for (size_t t = 0; t < numel.size(); ++t) numel_[t] = static_cast<size_t>(numel[t]);
    runs_ = true;
  }

  // A Float64Array of integers in [0, 2^53), copied.
  std::vector<double> integers(const Napi::Value& value, const char* key) {
    size_t length = 0;
    napi_value buffer;
    const double* values = static_cast<const double*>(live_array(value, napi_float64_array, "Float64Array", key, &length, &buffer));
    std::vector<double> out(values, values + length);
    check_integers(out.data(), length, key);
    return out;
  }

  // Every one of the n values is an integer in [0, 2^53), or a RangeError naming the first that is not.
  void check_integers(const double* values, size_t n, const char* key) const {
    for (size_t i = 0; i < n; ++i)
      if (!(values[i] >= 0 && values[i] < 9007199254740992.0 && values[i] == std::floor(values[i])))
        throw range_error(item(key, i) + " must be an integer >= 0");
  }

  // An integer-valued double as JS prints it (no exponent up to 2^53, no trailing ".0").
  static std::string number_text(double x) {
    if (x < 9007199254740992.0) return std::to_string(static_cast<unsigned long long>(x));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", x);
    return buffer;
  }

  static std::string item(const std::string& key, size_t t) {
    return key + "[" + std::to_string(t) + "]";
  }

  // The data pointer of a live Float32Array, or a TypeError.
  float* float_array(napi_value value, const char* key, size_t t, size_t* length) {
    void* data = nullptr;
    napi_value buffer;
    if (!typed_array(value, napi_float32_array, &data, length, &buffer))
      throw type_error(item(key, t) + " must be a Float32Array");
    // A view of a detached buffer has length 0, so only empty views need the (slower) check.
    if (*length == 0) {
      bool detached = false;
      napi_is_detached_arraybuffer(env_, buffer, &detached);
      if (detached) throw type_error(item(key, t) + " is backed by a detached ArrayBuffer");
    }
    keep(buffer, data, offset_);
    return static_cast<float*>(data);
  }

  // Async calls: remembers the ArrayBuffer behind a view (once per buffer) to hold a reference
  // to it while the kernel runs. Consecutive views of one buffer (an arena) cost one compare.
  void keep(napi_value buffer, void* data, size_t byte_offset) {
    if (!async_) return;
    const void* base = static_cast<const char*>(data) - byte_offset;
    if (base == st_->last_base) return;
    st_->last_base = base;
    if (!st_->buffer_bases.insert(base).second) return;
    st_->buffers.push_back(Napi::Persistent(Napi::Value(env_, buffer)));
  }

  bool typed_array(napi_value value, napi_typedarray_type want, void** data, size_t* length,
                   napi_value* buffer) {
    bool is_typed = false;
    if (napi_is_typedarray(env_, value, &is_typed) != napi_ok || !is_typed) return false;
    napi_typedarray_type type;
    if (napi_get_typedarray_info(env_, value, &type, length, data, buffer, &offset_) != napi_ok)
      return false;
    return type == want;
  }

  // The data of a typed array of type `want` whose buffer is not detached, or a TypeError.
  void* live_array(const Napi::Value& value, napi_typedarray_type want, const char* type_name, const char* key,
                   size_t* length, napi_value* buffer) {
    void* data = nullptr;
    if (!typed_array(value, want, &data, length, buffer))
      throw type_error(std::string(key) + " must be a " + type_name);
    bool detached = false;
    napi_is_detached_arraybuffer(env_, *buffer, &detached);
    if (detached) throw type_error(std::string(key) + " is backed by a detached ArrayBuffer");
    return data;
  }

  template <class T>
  const T* per_tensor_array(const char* key, napi_typedarray_type want, const char* type_name) {
    size_t length = 0;
    napi_value buffer;
    void* data = live_array(obj_.Get(key), want, type_name, key, &length, &buffer);
    if (length != numel_.size())
      throw range_error(std::string(key) + " has " + std::to_string(length) +
                        " entries but there are " + std::to_string(numel_.size()) + " tensors");
    keep(buffer, data, offset_);
    return static_cast<const T*>(data);
  }

  Napi::Env env_;
  const char* kernel_;
  bool async_;
  Napi::Object obj_;
  std::unique_ptr<CallStorage> st_;  // moved to the async work by run(); lists_ and numel_ stay valid
  std::deque<List>& lists_;
  std::vector<size_t>& numel_;
  bool runs_ = false;                // the lists are given as runs (run_tensors)
  std::vector<size_t> run_tensors_;  // tensors per run
  size_t offset_ = 0;  // byte offset of the last typed array read
};

// One kernel call on a libuv worker thread: owns the call's storage (the Args point into it)
// and its buffer references; resolves its Promise on the main thread when the kernel is done,
// or rejects it if one of the buffers was detached meanwhile (transferred to another thread or
// by structuredClone: the reference kept it from being collected, not from being detached,
// and the kernel's writes then went into memory that now belongs to another ArrayBuffer).
template <class Args>
class AsyncKernel : public Napi::AsyncWorker {
 public:
  AsyncKernel(Napi::Env env, const char* name, void (*kernel)(const Args&), const Args& args,
              std::unique_ptr<CallStorage> storage)
      : Napi::AsyncWorker(env, name),
        name_(name),
        kernel_(kernel),
        args_(args),
        storage_(std::move(storage)),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override { kernel_(args_); }

  void OnOK() override {
    for (auto& ref : storage_->buffers) {
      bool detached = false;
      napi_is_detached_arraybuffer(Env(), ref.Value(), &detached);
      if (detached) {
        deferred_.Reject(Napi::Error::New(Env(), std::string(name_) +
                                                     ": a buffer of this call was detached while the kernel ran; "
                                                     "the results are undefined")
                             .Value());
        return;
      }
    }
    deferred_.Resolve(Env().Undefined());
  }

 private:
  const char* name_;
  void (*kernel_)(const Args&);
  Args args_;
  std::unique_ptr<CallStorage> storage_;
  Napi::Promise::Deferred deferred_;
};

template <class Args>
Napi::Value GroupReader::run(void (*kernel)(const Args&), Args& args) {
  check_no_overlap();
  args.num_tensors = num_tensors();
  args.numel = numel();
  if (!async_) {
    kernel(args);
    return env_.Undefined();
  }
  auto* work = new AsyncKernel<Args>(env_, kernel_, kernel, args, std::move(st_));
  Napi::Promise promise = work->promise();
  work->Queue();  // the work deletes itself after OnOK
  return promise;
}

}  // namespace fastoptim
