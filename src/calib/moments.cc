#include "src/calib/moments.h"

namespace axq {

Moments CombineMoments(const Moments& a, const Moments& b) {
  if (a.count == 0) return b;
  if (b.count == 0) return a;
  const double na = static_cast<double>(a.count);
  const double nb = static_cast<double>(b.count);
  const double n = na + nb;
  const double delta = b.mean - a.mean;
  Moments out;
  out.count = a.count + b.count;
  out.mean = a.mean + delta * (nb / n);
  out.m2 = a.m2 + b.m2 + delta * delta * (na * (nb / n));
  return out;
}

}  // namespace axq
