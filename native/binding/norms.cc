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
  a.tensors = r.read("tensors");
  a.out = r.per_tensor_out("out");
  return r.run(kernels().norms, a);
}

}  // namespace fastoptim
