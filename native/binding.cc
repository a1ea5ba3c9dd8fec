// The N-API binding: converts one JS call (a whole parameter group) into a kernel argument
// struct, checks memory safety on every call, and runs the kernel of the instruction set in use.
//
// Thin by design (better-sqlite3, sharp): hyperparameters are validated in TypeScript; here we
// check only what could corrupt memory or crash the process: argument types, buffer lengths,
// overlapping buffers that the kernel writes, detached ArrayBuffers. Every check runs before the
// kernel touches anything, so a call that throws changes nothing.
#include <napi.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "dispatch.h"

namespace fastoptim {
namespace {

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
    for (size_t t = 0; t < count; ++t) {
      size_t length = 0;
      list.ptrs[t] = float_array(array.Get(static_cast<uint32_t>(t)), key, t, &length);
      if (first) {
        numel_[t] = length;
      } else if (length != numel_[t]) {
        throw range_error(item(key, t) + " has " + std::to_string(length) + " elements but " +
                          item(lists_.front().name, t) + " has " + std::to_string(numel_[t]));
      }
    }
    return list.ptrs;
  }

  // One double per tensor (a Float64Array of length num_tensors).
  const double* per_tensor(const char* key) {
    return per_tensor_array<double>(key, napi_float64_array, "Float64Array");
  }
  // One flag per tensor (a Uint8Array of length num_tensors).
  const uint8_t* per_tensor_flags(const char* key) {
    return per_tensor_array<uint8_t>(key, napi_uint8_array, "Uint8Array");
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
        if (numel_[t] > 0) {
          auto begin = reinterpret_cast<uintptr_t>(lists_[l].ptrs[t]);
          spans.push_back({begin, begin + numel_[t] * sizeof(float), l, t, lists_[l].written});
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
  };

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

const float* const* as_const(const std::vector<float*>& v) {
  return const_cast<const float* const*>(v.data());
}
float* const* nullable(const std::vector<float*>& v) { return v.empty() ? nullptr : v.data(); }

// sgd({ params, grads, momentum_buffer, momentum_buffer_init, lr, momentum, dampening,
//       weight_decay, nesterov, maximize })
Napi::Value Sgd(const Napi::CallbackInfo& info) {
  GroupReader r(info, "sgd");
  SgdArgs a{};
  a.lr = r.number("lr");
  a.momentum = r.number("momentum");
  a.dampening = r.number("dampening");
  a.weight_decay = r.number("weight_decay");
  a.nesterov = r.flag("nesterov");
  a.maximize = r.flag("maximize");
  const bool momentum = a.momentum != 0.0;
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& buf = r.tensors("momentum_buffer", Access::Write, !momentum);
  if (momentum) a.momentum_buffer_init = r.per_tensor_flags("momentum_buffer_init");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.momentum_buffer = nullable(buf);
  kernels().sgd(a);
  return info.Env().Undefined();
}

// adam({ params, grads, exp_avg, exp_avg_sq, max_exp_avg_sq, step_size, bias_correction2_sqrt,
//        beta1, beta2, eps, weight_decay, decay, amsgrad, maximize })
Napi::Value Adam(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adam");
  AdamArgs a{};
  a.beta1 = r.number("beta1");
  a.beta2 = r.number("beta2");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.decay = r.number("decay");
  a.amsgrad = r.flag("amsgrad");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& exp_avg = r.tensors("exp_avg", Access::Write);
  const auto& exp_avg_sq = r.tensors("exp_avg_sq", Access::Write);
  const auto& max_exp_avg_sq = r.tensors("max_exp_avg_sq", Access::Write, !a.amsgrad);
  a.step_size = r.per_tensor("step_size");
  a.bias_correction2_sqrt = r.per_tensor("bias_correction2_sqrt");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.exp_avg = exp_avg.data();
  a.exp_avg_sq = exp_avg_sq.data();
  a.max_exp_avg_sq = nullable(max_exp_avg_sq);
  kernels().adam(a);
  return info.Env().Undefined();
}

// triad({ a, b, c, scalar }): a = b + scalar * c, the memory-bandwidth probe.
Napi::Value Triad(const Napi::CallbackInfo& info) {
  GroupReader r(info, "triad");
  TriadArgs a{};
  a.scalar = r.number("scalar");
  const auto& out = r.tensors("a", Access::Write);
  const auto& b = r.tensors("b", Access::Read);
  const auto& c = r.tensors("c", Access::Read);
  if (r.num_tensors() != 1) throw r.range_error("a, b and c must each hold one Float32Array");
  r.check_no_overlap();
  a.numel = r.numel()[0];
  a.a = out[0];
  a.b = b[0];
  a.c = c[0];
  kernels().triad(a);
  return info.Env().Undefined();
}

Napi::Value Isa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), kernels().isa);
}

Napi::Value SupportedIsas(const Napi::CallbackInfo& info) {
  const auto names = supported_isas();
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i)
    out.Set(static_cast<uint32_t>(i), Napi::String::New(info.Env(), names[i]));
  return out;
}

Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].IsString())
    throw Napi::TypeError::New(info.Env(), "setIsa: expected the name of an instruction set");
  const std::string err = set_isa(info[0].As<Napi::String>().Utf8Value());
  if (!err.empty()) throw Napi::RangeError::New(info.Env(), "setIsa: " + err);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const std::string err = init_dispatch();
  if (!err.empty()) throw Napi::Error::New(env, err);
  exports.Set("sgd", Napi::Function::New(env, Sgd, "sgd"));
  exports.Set("adam", Napi::Function::New(env, Adam, "adam"));
  exports.Set("triad", Napi::Function::New(env, Triad, "triad"));
  exports.Set("isa", Napi::Function::New(env, Isa, "isa"));
  exports.Set("supportedIsas", Napi::Function::New(env, SupportedIsas, "supportedIsas"));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa, "setIsa"));
  return exports;
}

}  // namespace
}  // namespace fastoptim

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return fastoptim::Init(env, exports);
}

NODE_API_MODULE(fastoptim, InitModule)
