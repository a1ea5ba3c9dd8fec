#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// norms({ tensors, norm_type, out }): out[t] = sum |x|^p (or max |x| for p = Infinity).
Napi::Value bind_norms(const Napi::CallbackInfo& info) {
  GroupReader r(info, "norms");
  NormsArgs a{};
  a.norm_type = r.number("norm_type");
  if (!(a.norm_type > 0)) throw r.range_error("norm_type must be > 0");
  const auto& tensors = r.tensors("tensors", Access::Read);
  a.out = r.per_tensor_out("out");
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.tensors = as_const(tensors);
  return r.run(kernels().norms, a);
}

}  // namespace fastoptim
