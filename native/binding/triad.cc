#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// triad({ a, b, c, scalar }): a[t] = b[t] + scalar * c[t], the memory-bandwidth probe.
Napi::Value bind_triad(const Napi::CallbackInfo& info) {
  GroupReader r(info, "triad");
  TriadArgs a{};
  a.scalar = r.number("scalar");
  a.a = r.written("a");
  a.b = r.read("b");
  a.c = r.read("c");
  return r.run(kernels().triad, a);
}

}  // namespace fastoptim
