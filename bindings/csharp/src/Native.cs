using System;
using Axq.Internal;

namespace Axq {

/// <summary>Turns the SWIG layer's results into values or exceptions.</summary>
internal static class Native {
  /// <summary>A count or size, or a negative status.</summary>
  internal static long Check(long result) {
    if (result < 0) throw new AxqException(ToStatus(result), AxqNative.last_error());
    return result;
  }

  /// <summary>A handle (tensor, layer, model), or null after a failure whose status last_status() holds.</summary>
  internal static H CheckHandle<H>(H handle) where H : class {
    if (handle == null) throw new AxqException(ToStatus(AxqNative.last_status()), AxqNative.last_error());
    return handle;
  }

  internal static AxqStatus ToStatus(long code) {
    return Enum.IsDefined(typeof(AxqStatus), (int)code) ? (AxqStatus)(int)code : AxqStatus.Internal;
  }
}

}
