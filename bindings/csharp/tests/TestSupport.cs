using System;
using System.IO;
using Axq;
using NUnit.Framework;

namespace Axq.Tests {

/// What the test fixtures share: error expectations and bit comparisons.
static class TestSupport {
  /// call must throw an AxqException of status whose message holds fragment.
  public static void Expect(AxqStatus status, string fragment, TestDelegate call) {
    AxqException e = Assert.Throws<AxqException>(call);
    Assert.AreEqual(status, e.Status, e.Message);
    Assert.IsNotEmpty(e.Message);
    StringAssert.Contains(fragment, e.Message);
  }

  public static void AssertSameBits(float[] want, float[] got) => AssertSameBits("", want, got);

  public static void AssertSameBits(string what, float[] want, float[] got) {
    Assert.AreEqual(want.Length, got.Length, what);
    for (int i = 0; i < want.Length; ++i) {
      if (BitConverter.SingleToInt32Bits(want[i]) != BitConverter.SingleToInt32Bits(got[i])) {
        Assert.Fail("{0} element {1}: {2} != {3}", what, i, got[i], want[i]);
      }
    }
  }
}

/// A fixture whose tests each get a fresh directory, removed afterwards.
public abstract class WithScratchDir {
  protected string dir;

  [SetUp]
  public void MakeDir() {
    dir = Path.Combine(Path.GetTempPath(), "axq-csharp-test-" + Guid.NewGuid().ToString("N"));
    Directory.CreateDirectory(dir);
  }

  [TearDown]
  public void RemoveDir() => Directory.Delete(dir, true);
}

}
