#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// dot({ x, y, out }): out[t] = x[t] . y[t], accumulated in double.
Napi::Value bind_dot(const Napi::CallbackInfo& info) {
  GroupReader r(info, "dot");
  DotArgs a{};
  const auto& x = r.tensors("x", Access::Read);
  const auto& y = r.tensors("y", Access::Read);
  a.out = r.per_tensor_out("out");
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.x = as_const(x);
  a.y = as_const(y);
  return r.run(kernels().dot, a);
}

}  // namespace fastoptim
