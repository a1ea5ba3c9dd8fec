#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// dot({ x, y, out }): out[t] = x[t] . y[t], accumulated in double.
Napi::Value bind_dot(const Napi::CallbackInfo& info) {
  GroupReader r(info, "dot");
  DotArgs a{};
  a.x = r.read("x");
  a.y = r.read("y");
  a.out = r.per_tensor_out("out");
  return r.run(kernels().dot, a);
}

}  // namespace fastoptim
