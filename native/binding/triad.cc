#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// triad({ a, b, c, scalar }): a[t] = b[t] + scalar * c[t], the memory-bandwidth probe.
Napi::Value bind_triad(const Napi::CallbackInfo& info) {
  GroupReader r(info, "triad");
  TriadArgs a{};
  a.scalar = r.number("scalar");
  const auto& out = r.tensors("a", Access::Write);
  const auto& b = r.tensors("b", Access::Read);
  const auto& c = r.tensors("c", Access::Read);
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.a = out.data();
  a.b = as_const(b);
  a.c = as_const(c);
  return r.run(kernels().triad, a);
}

}  // namespace fastoptim
