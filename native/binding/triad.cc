#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// triad({ a, b, c, scalar }): a = b + scalar * c, the memory-bandwidth probe.
Napi::Value bind_triad(const Napi::CallbackInfo& info) {
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

}  // namespace fastoptim
