#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// asgd({ params, grads, ax, eta, mu, lambd, weight_decay, maximize })
Napi::Value bind_asgd(const Napi::CallbackInfo& info) {
  GroupReader r(info, "asgd");
  AsgdArgs a{};
  a.lambd = r.number("lambd");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.ax = r.written("ax");
  a.eta = r.per_tensor("eta");
  a.mu = r.per_tensor("mu");
  return r.run(kernels().asgd, a);
}

}  // namespace fastoptim
