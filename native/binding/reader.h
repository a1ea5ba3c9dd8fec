// The N-API side of one kernel call: converts the JS argument object (a whole parameter group)
// into plain pointers and lengths, and checks memory safety on every call.
//
// Thin by design (better-sqlite3, sharp): hyperparameters are validated in TypeScript; here we
// check only what could corrupt memory or crash the process: argument types, buffer lengths,
// overlapping buffers that the kernel writes, detached ArrayBuffers. Every check runs before the
// kernel touches anything, so a call that throws changes nothing.
#pragma once

#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

namespace fastoptim {

enum class Access { Read, Write };

// Reads one kernel call's argument object: `{ params: Float32Array[], grads: ..., <state>: ...,
// <per-tensor scalars>: Float64Array | Uint8Array, <group scalars>: number | boolean }`.
// The first list read (params) fixes the tensor count and every tensor's length.
class GroupReader {
 public:
  GroupReader(const Napi::CallbackInfo& info, const char* kernel)
      : env_(info.Env()), kernel_(kernel) {
    if (info.Length() != 1 || !info[0].IsObject() || info[0].IsArray())
      throw type_error("expected one argument object");
    obj_ = info[0].As<Napi::Object>();
  }

  // A list of Float32Arrays, one per tensor. Optional lists may be null or undefined (then the
  // result is empty and the kernel gets a null pointer).
  std::vector<float*>& tensors(const char* key, Access access, bool optional = false) {
    return read_list(key, access, optional, nullptr);
  }

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
    for (size_t t = 0; t < numel_.size(); ++t)
      if (!(sizes[t] >= 0 && sizes[t] < 9007199254740992.0 && sizes[t] == std::floor(sizes[t])))
        throw range_error(item(key, t) + " must be an integer >= 0");
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

  size_t num_tensors() const { return numel_.size(); }
  const size_t* numel() const { return numel_.data(); }

  // No buffer that the kernel writes may share a byte with any other buffer of the call
  // (read-only buffers may share with each other). Sort by start address and sweep.
  void check_no_overlap() const {
    struct Span {
      uintptr_t begin, end;
      size_t list, tensor;
      bool written;
    };
    std::vector<Span> spans;
    for (size_t l = 0; l < lists_.size(); ++l)
      for (size_t t = 0; t < lists_[l].ptrs.size(); ++t)
        if (lists_[l].lengths[t] > 0) {
          auto begin = reinterpret_cast<uintptr_t>(lists_[l].ptrs[t]);
          spans.push_back({begin, begin + lists_[l].lengths[t] * sizeof(float), l, t, lists_[l].written});
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
  struct List {
    std::string name;
    bool written = false;
    std::vector<float*> ptrs;
    std::vector<size_t> lengths;  // elements of each tensor
  };

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
    bool detached = false;
    napi_is_detached_arraybuffer(env_, buffer, &detached);
    if (detached) throw type_error(item(key, t) + " is backed by a detached ArrayBuffer");
    return static_cast<float*>(data);
  }

  bool typed_array(napi_value value, napi_typedarray_type want, void** data, size_t* length,
                   napi_value* buffer) {
    bool is_typed = false;
    if (napi_is_typedarray(env_, value, &is_typed) != napi_ok || !is_typed) return false;
    napi_typedarray_type type;
    size_t offset;
    if (napi_get_typedarray_info(env_, value, &type, length, data, buffer, &offset) != napi_ok)
      return false;
    return type == want;
  }

  template <class T>
  const T* per_tensor_array(const char* key, napi_typedarray_type want, const char* type_name) {
    void* data = nullptr;
    size_t length = 0;
    napi_value buffer;
    if (!typed_array(obj_.Get(key), want, &data, &length, &buffer))
      throw type_error(std::string(key) + " must be a " + type_name);
    bool detached = false;
    napi_is_detached_arraybuffer(env_, buffer, &detached);
    if (detached) throw type_error(std::string(key) + " is backed by a detached ArrayBuffer");
    if (length != numel_.size())
      throw range_error(std::string(key) + " has " + std::to_string(length) +
                        " entries but there are " + std::to_string(numel_.size()) + " tensors");
    return static_cast<const T*>(data);
  }

  Napi::Env env_;
  const char* kernel_;
  Napi::Object obj_;
  std::deque<List> lists_;  // a deque: references returned by tensors() stay valid
  std::vector<size_t> numel_;
};

inline const float* const* as_const(const std::vector<float*>& v) {
  return const_cast<const float* const*>(v.data());
}
inline float* const* nullable(const std::vector<float*>& v) { return v.empty() ? nullptr : v.data(); }

}  // namespace fastoptim
