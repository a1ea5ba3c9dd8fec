#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// scale({ tensors, scalar }): x *= scalar, in place.
Napi::Value bind_scale(const Napi::CallbackInfo& info) {
  GroupReader r(info, "scale");
  ScaleArgs a{};
  a.scalar = r.number("scalar");
  a.tensors = r.written("tensors");
  return r.run(kernels().scale, a);
}

// clamp({ tensors, min, max }): x = min(max(x, min), max), in place.
Napi::Value bind_clamp(const Napi::CallbackInfo& info) {
  GroupReader r(info, "clamp");
  ClampArgs a{};
  a.min = r.number("min");
  a.max = r.number("max");
  a.tensors = r.written("tensors");
  return r.run(kernels().clamp, a);
}

// axpby({ y, x, a, b }): y = a * y + b * x, in place (a == 0: y = b * x).
Napi::Value bind_axpby(const Napi::CallbackInfo& info) {
  GroupReader r(info, "axpby");
  AxpbyArgs a{};
  a.a = r.number("a");
  a.b = r.number("b");
  a.y = r.written("y");
  a.x = r.read("x");
  return r.run(kernels().axpby, a);
}

}  // namespace fastoptim
