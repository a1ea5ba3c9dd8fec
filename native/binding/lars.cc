#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// lars({ params, grads, momentum_buffer, exclude, lr, momentum, weight_decay, trust_coefficient,
//        eps, nesterov, maximize })
Napi::Value bind_lars(const Napi::CallbackInfo& info) {
  GroupReader r(info, "lars");
  LarsArgs a{};
  a.lr = r.number("lr");
  a.momentum = r.number("momentum");
  a.weight_decay = r.number("weight_decay");
  a.trust_coefficient = r.number("trust_coefficient");
  a.eps = r.number("eps");
  a.nesterov = r.flag("nesterov");
  a.maximize = r.flag("maximize");
  const bool momentum = a.momentum != 0.0;
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.momentum_buffer = r.written("momentum_buffer", !momentum);
  a.exclude = r.per_tensor_flags("exclude");
  return r.run(kernels().lars, a);
}

}  // namespace fastoptim
