#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// rprop({ params, grads, prev, step_size, etaminus, etaplus, step_size_min, step_size_max,
//         maximize })
Napi::Value bind_rprop(const Napi::CallbackInfo& info) {
  GroupReader r(info, "rprop");
  RpropArgs a{};
  a.etaminus = r.number("etaminus");
  a.etaplus = r.number("etaplus");
  a.step_size_min = r.number("step_size_min");
  a.step_size_max = r.number("step_size_max");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.prev = r.written("prev");
  a.step_size = r.written("step_size");
  return r.run(kernels().rprop, a);
}

}  // namespace fastoptim
